package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Outcomes of an outbox attempt, as outbox_attempts records them.
const (
	AttemptSent     = "sent"     // the relay took the mail
	AttemptRetry    = "retry"    // a temporary failure: tried again later
	AttemptFailed   = "failed"   // a permanent failure, a bounce, or given up
	AttemptRequeued = "requeued" // an operator asked for another try
)

// Attempt is one recorded delivery attempt of an outbox row.
type Attempt struct {
	At      time.Time `json:"at"`
	Outcome string    `json:"outcome"`
	Detail  string    `json:"detail,omitempty"`
}

// RecordAttempt adds an attempt's outcome to the history of outbox row id.
func (t *Tx) RecordAttempt(id int64, at time.Time, outcome, detail string) error {
	if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO outbox_attempts (outbox_id, at, outcome, detail)
		VALUES (?, ?, ?, ?)`, id, ts(at), outcome, detail); err != nil {
		return fmt.Errorf("record outbox %d attempt: %w", id, err)
	}
	return nil
}

// Attempts lists the recorded attempts of outbox row id, oldest first.
func (s *Store) Attempts(ctx context.Context, id int64) ([]Attempt, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT at, outcome, detail FROM outbox_attempts
		WHERE outbox_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("outbox %d attempts: %w", id, err)
	}
	defer rows.Close()
	var out []Attempt
	for rows.Next() {
		var a Attempt
		var at string
		if err := rows.Scan(&at, &a.Outcome, &a.Detail); err != nil {
			return nil, fmt.Errorf("outbox %d attempts: %w", id, err)
		}
		if a.At, err = parseTS(at); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// OutboxByID returns outbox row id; found is false when there is none.
func (t *Tx) OutboxByID(id int64) (o OutboxMail, found bool, err error) {
	return oneOutbox(t.tx.QueryContext(t.ctx, outboxQuery+` WHERE o.id = ?`, id))
}

// OutboxMail returns outbox row id from the read pool; found is false when
// there is none.
func (s *Store) OutboxMail(ctx context.Context, id int64) (o OutboxMail, found bool, err error) {
	return oneOutbox(s.r.QueryContext(ctx, outboxQuery+` WHERE o.id = ?`, id))
}

func oneOutbox(rows *sql.Rows, err error) (OutboxMail, bool, error) {
	if err != nil {
		return OutboxMail{}, false, fmt.Errorf("read outbox: %w", err)
	}
	list, err := scanOutbox(rows)
	if err != nil || len(list) == 0 {
		return OutboxMail{}, false, err
	}
	return list[0], true, nil
}

// ErrNotRequeued is returned by Requeue for a row that is not failed.
var ErrNotRequeued = errors.New("only a failed mail can be sent again")

// Requeue makes failed outbox row id pending again, due at now; its
// attempts are kept (so a new temporary failure waits the longer backoff
// they earned) and the age limit counts from now. A row that is pending
// or sent is left alone (ErrNotRequeued); a missing one is refused with an
// error wrapping ErrNotFound.
func (t *Tx) Requeue(id int64, now time.Time, who string) error {
	var state string
	err := t.tx.QueryRowContext(t.ctx, `SELECT state FROM outbox WHERE id = ?`, id).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("requeue outbox %d: no such mail: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("requeue outbox %d: %w", id, err)
	}
	if state != OutboxFailed {
		return fmt.Errorf("requeue outbox %d (%s): %w", id, state, ErrNotRequeued)
	}
	// created_at restarts too: the retry age (outbox.max_age) counts from
	// the operator's decision, not from the first queueing.
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE outbox SET state = ?, next_attempt_at = ?, created_at = ?,
		last_error = '' WHERE id = ?`, OutboxPending, ts(now), ts(now), id); err != nil {
		return fmt.Errorf("requeue outbox %d: %w", id, err)
	}
	return t.RecordAttempt(id, now, AttemptRequeued, "by "+who)
}
