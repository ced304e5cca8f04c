package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Suppression is what the desk knows of the hard bounces of one address
// (table suppressions, migration 0010).
type Suppression struct {
	// Address is the bouncing address, lower case.
	Address string `json:"address"`
	// HardBounces counts the hard bounces since FirstAt.
	HardBounces int       `json:"hard_bounces"`
	FirstAt     time.Time `json:"first_at"`
	LastAt      time.Time `json:"last_at"`
	// Until is the end of the address's suspension; zero when it was never
	// suspended. A past Until is a suspension that is over.
	Until time.Time `json:"until,omitzero"`
	// Reason is what the last hard bounce said.
	Reason string `json:"reason"`
}

// MarkBounced records that outbox row id bounced: the row becomes failed
// with last_error reason, whatever its state was (a bounce usually comes
// after the relay took the mail, when the row is already sent), and its
// history gets a failed attempt at at with reason as detail. The attempt
// count is left alone: a bounce is no further attempt. A missing row is
// ErrNotFound.
func (t *Tx) MarkBounced(id int64, reason string, at time.Time) error {
	res, err := t.tx.ExecContext(t.ctx, `UPDATE outbox SET state = ?, last_error = ? WHERE id = ?`,
		OutboxFailed, reason, id)
	if err != nil {
		return fmt.Errorf("mark outbox %d bounced: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("mark outbox %d bounced: %w", id, errors.Join(ErrNotFound, err))
	}
	return t.RecordAttempt(id, at, AttemptFailed, reason)
}

// RecordHardBounce counts a hard bounce of addr at now, with reason (what the
// bounce said). The count starts again when the first bounce counted is
// older than window. When after is positive, window is positive and the
// count reaches after, mail to addr is suspended until now+window (an
// earlier end of a suspension already running is pushed out, a later one
// kept); until is then that end. until is zero when this bounce suspends
// nothing: after is 0 (never) or the count is below it.
func (t *Tx) RecordHardBounce(addr, reason string, now time.Time, after int, window time.Duration) (until time.Time, err error) {
	addr = strings.ToLower(strings.TrimSpace(addr))
	s, found, err := t.suppression(addr)
	if err != nil {
		return time.Time{}, fmt.Errorf("record hard bounce: %w", err)
	}
	if !found || (window > 0 && s.FirstAt.Before(now.Add(-window))) {
		s.HardBounces, s.FirstAt = 0, now
	}
	s.HardBounces++
	s.LastAt, s.Reason = now, reason
	if after > 0 && window > 0 && s.HardBounces >= after {
		until = now.Add(window)
		if until.After(s.Until) {
			s.Until = until
		}
		until = s.Until
	}
	var end string
	if !s.Until.IsZero() {
		end = ts(s.Until)
	}
	if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO suppressions (address, hard_bounces, first_at, last_at, until, reason)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (address) DO UPDATE SET hard_bounces = excluded.hard_bounces,
		first_at = excluded.first_at, last_at = excluded.last_at, until = excluded.until, reason = excluded.reason`,
		addr, s.HardBounces, ts(s.FirstAt), ts(s.LastAt), end, s.Reason); err != nil {
		return time.Time{}, fmt.Errorf("record hard bounce: %w", err)
	}
	return until, nil
}

// Suppressed reports whether mail to addr is suspended at now, until when
// and for what reason (the last hard bounce's). ok is false for an address
// without hard bounces, one below the limit and one whose suspension is over.
func (t *Tx) Suppressed(addr string, now time.Time) (until time.Time, reason string, ok bool, err error) {
	s, found, err := t.suppression(strings.ToLower(strings.TrimSpace(addr)))
	if err != nil {
		return time.Time{}, "", false, fmt.Errorf("suppressed: %w", err)
	}
	if !found || !s.Until.After(now) {
		return time.Time{}, "", false, nil
	}
	return s.Until, s.Reason, true, nil
}

// Suppressions lists every address with hard bounces, suspended or not,
// by address.
func (s *Store) Suppressions(ctx context.Context) ([]Suppression, error) {
	rows, err := s.r.QueryContext(ctx, suppressionQuery+` ORDER BY address`)
	if err != nil {
		return nil, fmt.Errorf("list suppressions: %w", err)
	}
	defer rows.Close()
	var out []Suppression
	for rows.Next() {
		sp, err := scanSuppression(rows)
		if err != nil {
			return nil, fmt.Errorf("list suppressions: %w", err)
		}
		out = append(out, sp)
	}
	return out, rows.Err()
}

const suppressionQuery = `SELECT address, hard_bounces, first_at, last_at, until, reason FROM suppressions`

// suppression reads the row of addr (lower case); found is false when there is none.
func (t *Tx) suppression(addr string) (s Suppression, found bool, err error) {
	s, err = scanSuppression(t.tx.QueryRowContext(t.ctx, suppressionQuery+` WHERE address = ?`, addr))
	if errors.Is(err, sql.ErrNoRows) {
		return Suppression{}, false, nil
	}
	return s, err == nil, err
}

func scanSuppression(row interface{ Scan(...any) error }) (Suppression, error) {
	var s Suppression
	var first, last, until string
	if err := row.Scan(&s.Address, &s.HardBounces, &first, &last, &until, &s.Reason); err != nil {
		return Suppression{}, err
	}
	var err error
	if s.FirstAt, err = parseTS(first); err != nil {
		return Suppression{}, err
	}
	if s.LastAt, err = parseTS(last); err != nil {
		return Suppression{}, err
	}
	if until != "" {
		if s.Until, err = parseTS(until); err != nil {
			return Suppression{}, err
		}
	}
	return s, nil
}
