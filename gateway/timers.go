package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"postdesk/store"
	"postdesk/templates"
	"postdesk/ticket"
)

// timerIdle is the longest the timer loop sleeps without looking: tickets
// change under it (a customer's answer pauses a clock), so it looks again
// at least this often.
const timerIdle = time.Minute

// TimerLoop fires the desk's time-driven rules (ticket.Timers): SLA
// warnings and breaches, escalation of unresolved tickets, the reminder
// before an auto-close and the auto-close. Everything it needs is read from
// the database at each pass, so after a restart it finds what fell due
// while the desk was down and fires it, late, once, saying so in the event.
type TimerLoop struct {
	p     *Pipeline
	since time.Time
}

// NewTimerLoop returns the loop that fires p's desk's timers, queuing its
// mail through p; timers that fell due before since (RulesSince) never
// fire.
func NewTimerLoop(p *Pipeline, since time.Time) *TimerLoop { return &TimerLoop{p: p, since: since} }

// Run fires due timers until ctx is done.
func (l *TimerLoop) Run(ctx context.Context) {
	for {
		_, next, err := l.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			l.p.deps.Log.Error("timer pass failed", "err", err)
		}
		wait := timerIdle
		if !next.IsZero() {
			wait = min(max(next.Sub(l.p.deps.Now()), 0), timerIdle)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// RunOnce fires every timer due now that has not fired yet, each in its own
// transaction, and returns how many fired and when the next is due (zero
// when none is pending). A timer that fails is logged and left for the
// next pass; the others still fire. Timers that fell due before the desk's
// current rules were first seen (RulesSince) never fire: adding a target or
// upgrading must not escalate or close every old ticket at once.
func (l *TimerLoop) RunOnce(ctx context.Context) (fired int, next time.Time, err error) {
	p := l.p
	clock, err := newClockRules(ctx, p.cfg, p.cals, p.store)
	if err != nil {
		return 0, next, err
	}
	list, events, done, err := p.store.OpenTickets(ctx, p.cfg.Desk.Prefix)
	if err != nil {
		return 0, next, err
	}
	now := p.deps.clock()
	for _, t := range list {
		for _, tm := range ticket.Timers(t, events[t.ID], clock.rules, clock.cals.For(t), now, clock.respondedAt(events[t.ID])) {
			switch {
			case done[t.ID][tm.Key] || tm.At.Before(l.since):
			case tm.At.After(now):
				if next.IsZero() || tm.At.Before(next) {
					next = tm.At
				}
			default:
				ok, err := l.fire(ctx, clock, t.Number, tm)
				if err != nil {
					if ctx.Err() != nil {
						return fired, next, err
					}
					p.deps.Log.Error("timer failed", "ref", t.Ref, "timer", tm.Key, "err", err)
					continue
				}
				if ok {
					fired++
				}
			}
		}
	}
	return fired, next, nil
}

// RulesSince is when the desk first ran with its current time-driven rules:
// a setting named by a hash of them, made at the first start with them.
func RulesSince(ctx context.Context, st *store.Store, cfg Config, deps Deps) (time.Time, error) {
	sum := sha256.Sum256(fmt.Appendf(nil, "%+v|%+v|%+v", cfg.TimeRules(), cfg.Escalation, cfg.Calendars))
	v, err := st.Setting(ctx, "timer_rules_since:"+hex.EncodeToString(sum[:8]), func() ([]byte, error) {
		return []byte(deps.clock().Format(time.RFC3339)), nil
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("timer rules: %w", err)
	}
	return time.Parse(time.RFC3339, string(v))
}

// fire acts on timer tm of ticket number n, in one transaction that records
// it as fired, at the time the transaction starts. The timer is checked
// again against the ticket as the transaction sees it: one that is no
// longer due (the customer answered, the ticket was resolved) does nothing
// and is not recorded, so it fires if it comes due again. An auto-close
// waits until the reminder before it has given the customer its days.
func (l *TimerLoop) fire(ctx context.Context, clock clockRules, n int64, tm ticket.Timer) (bool, error) {
	p := l.p
	acted, queued := false, false
	err := p.store.Write(ctx, func(tx *store.Tx) error {
		acted, queued = false, false
		now := p.deps.clock()
		t, err := tx.Ticket(p.cfg.Desk.Prefix, n)
		if err != nil {
			return err
		}
		events, err := tx.Events(t.ID)
		if err != nil {
			return err
		}
		cal := clock.cals.For(t)
		still := slices.ContainsFunc(ticket.Timers(t, events, clock.rules, cal, now, clock.respondedAt(events)),
			func(x ticket.Timer) bool { return x.Key == tm.Key && !x.At.After(now) })
		if !still {
			return nil
		}
		if tm.After != "" {
			reminded, ok, err := tx.TimerFiredAt(t.ID, tm.After)
			if err != nil || (ok && now.Before(reminded.AddDate(0, 0, p.cfg.SLA.RemindDays))) {
				return err
			}
		}
		if ok, err := tx.FireTimer(t.ID, tm.Key, tm.At, now); err != nil || !ok {
			return err
		}
		acted = true
		return l.act(tx, t, tm, cal, now, &queued)
	})
	if err == nil && queued {
		p.queued()
	}
	return acted, err
}

// act does what timer tm does to ticket t.
func (l *TimerLoop) act(tx *store.Tx, t ticket.Ticket, tm ticket.Timer, cal ticket.Calendar, now time.Time, queued *bool) error {
	p := l.p
	people, err := p.people(tx, t)
	if err != nil {
		return err
	}
	trigger, what := "", ""
	switch tm.Kind {
	case ticket.TimerSLAWarning:
		trigger, what = TriggerSLAWarning, fmt.Sprintf("SLA warning: %.0f%% of the resolution target used", p.cfg.TimeRules().WarnAt*100)
	case ticket.TimerSLABreach:
		trigger, what = TriggerSLABreach, "SLA breached: the resolution target was missed"
	case ticket.TimerLateReply:
		trigger, what = TriggerSLABreach, "SLA breached: no first response within the target"
	case ticket.TimerUnresolved:
		trigger, what = TriggerUnresolved, fmt.Sprintf("unresolved after %d business days", p.cfg.TimeRules().UnresolvedDays)
	case ticket.TimerRemind:
		closeAt := now.AddDate(0, 0, p.cfg.SLA.RemindDays).In(cal.Location())
		if err := tx.AddEvents(t.ID, 0, []ticket.Event{{At: now, Actor: "postdesk", Type: ticket.EventNote,
			Reason: ticket.TimerReason(tm, "reminder: the ticket closes by itself on "+closeAt.Format(time.RFC3339)+
				" without an answer", now)}}); err != nil {
			return err
		}
		var list []notice
		for _, r := range p.cfg.Notify.Matrix().Recipients(ticket.NotifyResolved, people, p.desk) {
			if !r.Staff {
				list = append(list, notice{kind: templates.KindReminder, to: r, closeAt: closeAt})
			}
		}
		return p.queueList(tx, t, list, now, queued)
	case ticket.TimerAutoClose:
		dec, err := ticket.Set(p.desk, t, ticket.Change{Actor: "postdesk", Status: ticket.StatusClosed,
			Resolution: ticket.ResolutionNoResponse,
			Note:       ticket.TimerReason(tm, fmt.Sprintf("closed: no answer %d days after the resolution", p.cfg.SLA.AutoCloseDays), now)}, now)
		if err != nil {
			return err
		}
		if err := tx.UpdateTicket(dec.Ticket); err != nil {
			return err
		}
		if err := tx.AddEvents(t.ID, 0, dec.Events); err != nil {
			return err
		}
		return p.queueChanges(tx, dec, now, queued)
	}
	dec := ticket.Escalate(t, "postdesk", ticket.TimerReason(tm, what, now), now)
	if err := tx.UpdateTicket(dec.Ticket); err != nil {
		return err
	}
	if err := tx.AddEvents(t.ID, 0, dec.Events); err != nil {
		return err
	}
	return p.queueList(tx, dec.Ticket, escalationNotices(p.cfg.escalationMatrix([]string{trigger}), people, p.desk,
		ticket.ChangesOf(dec.Events)), now, queued)
}
