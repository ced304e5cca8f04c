package gateway

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"postdesk/store"
)

// outboxBatch bounds how many mails one pass sends over one connection.
const outboxBatch = 50

// outboxIdle is the longest the worker sleeps without looking at the outbox,
// a safety net under the wake-ups the pipeline gives.
const outboxIdle = time.Minute

// OutboxWorker sends what the outbox holds, after the commits that queued it.
// Temporary failures are retried with exponential backoff and jitter until
// the configured age; permanent ones are marked failed. Every attempt is
// recorded on the row.
type OutboxWorker struct {
	store  *store.Store
	sender Sender
	cfg    OutboxConfig
	deps   Deps
	wake   chan struct{}
}

// NewOutboxWorker returns a worker that sends with sender.
func NewOutboxWorker(st *store.Store, sender Sender, cfg OutboxConfig, deps Deps) *OutboxWorker {
	return &OutboxWorker{store: st, sender: sender, cfg: cfg, deps: deps, wake: make(chan struct{}, 1)}
}

// Kick asks the worker to look at the outbox now. It never blocks.
func (w *OutboxWorker) Kick() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run sends due mail until ctx is done. Mail left pending when the daemon
// stops is found again at the next start.
func (w *OutboxWorker) Run(ctx context.Context) error {
	for {
		if _, err := w.RunOnce(ctx); err != nil && ctx.Err() == nil {
			w.deps.Log.Error("outbox pass failed", "err", err)
		}
		wait := outboxIdle
		if due, ok, err := w.store.NextOutboxDue(ctx); err == nil && ok {
			wait = min(max(due.Sub(w.deps.Now()), 0), outboxIdle)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-w.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// RunOnce sends every mail due now, in batches over one connection each,
// and records each outcome as soon as the relay has given it, so that a
// crash loses at most the answer to the one mail in flight. When ctx ends,
// the mail in flight is finished and recorded (the relay's timeout bounds
// it) and the rest of the batch is left for the next start: a stopping
// daemon never leaves a mail the relay took unrecorded, to be sent a second
// time. It returns how many mails it tried.
func (w *OutboxWorker) RunOnce(ctx context.Context) (int, error) {
	tried := 0
	for ctx.Err() == nil {
		due, err := w.store.DueOutbox(ctx, w.deps.clock(), outboxBatch)
		if err != nil || len(due) == 0 {
			return tried, err
		}
		if due, err = w.withoutSuspended(ctx, due); err != nil {
			return tried, err
		}
		var recordErr error
		w.sender.Send(ctx, due, func(i int, result error) error {
			tried++
			recordErr = w.store.Write(context.WithoutCancel(ctx), func(tx *store.Tx) error {
				return w.record(tx, due[i], result, w.deps.clock())
			})
			return recordErr
		})
		if recordErr != nil {
			return tried, fmt.Errorf("record outbox result: %w", recordErr)
		}
		if len(due) < outboxBatch {
			return tried, nil
		}
	}
	return tried, nil
}

// withoutSuspended fails the mails to addresses suspended after hard
// bounces (queued before the suspension, or queued again by an operator)
// and returns the others.
func (w *OutboxWorker) withoutSuspended(ctx context.Context, due []store.OutboxMail) ([]store.OutboxMail, error) {
	var keep []store.OutboxMail
	err := w.store.Write(ctx, func(tx *store.Tx) error {
		keep = keep[:0]
		now := w.deps.clock()
		for _, m := range due {
			until, reason, suspended, err := tx.Suppressed(m.RcptTo, now)
			if err != nil {
				return err
			}
			if !suspended {
				keep = append(keep, m)
				continue
			}
			why := fmt.Sprintf("not sent: mail to %s is suspended until %s after hard bounces (%s)",
				m.RcptTo, until.Format(time.RFC3339), reason)
			w.deps.Log.Warn("mail held", "outbox_id", m.ID, "rcpt", m.RcptTo, "reason", why)
			if err := tx.MarkAttemptFailed(m.ID, why, time.Time{}); err != nil {
				return err
			}
			if err := tx.RecordAttempt(m.ID, now, store.AttemptFailed, why); err != nil {
				return err
			}
		}
		return nil
	})
	return keep, err
}

func (w *OutboxWorker) record(tx *store.Tx, m store.OutboxMail, result error, now time.Time) error {
	log := w.deps.Log.With("outbox_id", m.ID, "ref", m.Ref, "rcpt", m.RcptTo, "kind", m.Kind)
	if result == nil {
		// A row a bounce failed meanwhile is not pending any more: it
		// stays as the bounce left it.
		if ok, err := tx.MarkSent(m.ID, now); err != nil || !ok {
			return err
		}
		log.Info("mail sent", "attempts", m.Attempts+1)
		return tx.RecordAttempt(m.ID, now, store.AttemptSent, "")
	}
	next := now.Add(w.backoff(m.Attempts))
	reason := result.Error()
	switch {
	case IsPermanent(result):
		next = time.Time{}
	case next.Sub(m.CreatedAt) > w.cfg.MaxAge:
		next = time.Time{}
		reason = fmt.Sprintf("gave up after %d attempts over %s: %s", m.Attempts+1,
			now.Sub(m.CreatedAt).Round(time.Second), reason)
	}
	outcome := store.AttemptRetry
	if next.IsZero() {
		outcome = store.AttemptFailed
		log.Error("mail failed", "err", reason)
	} else {
		log.Warn("mail delayed", "err", reason, "retry_at", next)
	}
	if err := tx.MarkAttemptFailed(m.ID, reason, next); err != nil {
		return err
	}
	return tx.RecordAttempt(m.ID, now, outcome, reason)
}

// backoff is the delay before retry number attempts+1: RetryMin doubled per
// attempt, capped at RetryMax, times a random factor in [0.5, 1.5).
func (w *OutboxWorker) backoff(attempts int) time.Duration {
	d := w.cfg.RetryMin
	for i := 0; i < attempts && d < w.cfg.RetryMax; i++ {
		d *= 2
	}
	d = min(d, w.cfg.RetryMax)
	var b [8]byte
	if _, err := w.deps.Rand.Read(b[:]); err != nil {
		return d
	}
	frac := float64(binary.BigEndian.Uint64(b[:])>>11) / float64(1<<53)
	return time.Duration(float64(d) * (0.5 + frac))
}
