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

// RunOnce sends every mail due now, in batches, and records the outcomes.
// It returns how many mails it tried. A batch once begun is finished and
// recorded even when ctx ends meanwhile (the relay's timeout bounds it), so
// that a stopping daemon never leaves a mail the relay took unrecorded, to
// be sent a second time after the restart.
func (w *OutboxWorker) RunOnce(ctx context.Context) (int, error) {
	tried := 0
	for ctx.Err() == nil {
		now := w.deps.clock()
		due, err := w.store.DueOutbox(ctx, now, outboxBatch)
		if err != nil || len(due) == 0 {
			return tried, err
		}
		finish := context.WithoutCancel(ctx)
		results := w.sender.SendBatch(finish, due)
		done := w.deps.clock()
		err = w.store.Write(finish, func(tx *store.Tx) error {
			for i, m := range due {
				if err := w.record(tx, m, results[i], done); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return tried, fmt.Errorf("record outbox results: %w", err)
		}
		tried += len(due)
		if len(due) < outboxBatch {
			return tried, nil
		}
	}
	return tried, nil
}

func (w *OutboxWorker) record(tx *store.Tx, m store.OutboxMail, result error, now time.Time) error {
	log := w.deps.Log.With("outbox_id", m.ID, "ref", m.Ref, "rcpt", m.RcptTo, "kind", m.Kind)
	if result == nil {
		log.Info("mail sent", "attempts", m.Attempts+1)
		if err := tx.MarkSent(m.ID, now); err != nil {
			return err
		}
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
