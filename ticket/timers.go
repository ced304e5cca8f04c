package ticket

import (
	"fmt"
	"time"
)

// TimeRules are a desk's time-driven rules: its SLA targets, when they
// escalate, and when resolved tickets close by themselves.
type TimeRules struct {
	Targets []Target
	// WarnAt is the fraction of the resolution target at which the ticket
	// escalates with a warning (0.75: three quarters used); 0 for none.
	WarnAt float64
	// EscalateOnBreach escalates when the target is missed.
	EscalateOnBreach bool
	// UnresolvedDays escalates a ticket still not resolved after that many
	// business days on its calendar (SEKO: 3); 0 for none.
	UnresolvedDays int
	// AutoCloseDays closes a resolved ticket without an answer from the
	// customer after that many days, with resolution no_response (Replica:
	// 30); RemindDays before that, the customer is reminded. 0 for none.
	AutoCloseDays, RemindDays int
}

// TimerKind names what a timer does when it fires.
type TimerKind string

// The timers.
const (
	TimerSLAWarning TimerKind = "sla_warning"           // escalate: the target is nearly used
	TimerSLABreach  TimerKind = "sla_breach"            // escalate: the resolution target is missed
	TimerLateReply  TimerKind = "first_response_breach" // escalate: no first response in time
	TimerUnresolved TimerKind = "unresolved"            // escalate: not resolved after N business days
	TimerRemind     TimerKind = "remind"                // tell the customer the ticket will close
	TimerAutoClose  TimerKind = "auto_close"            // close with no_response
)

// Timer is one time-driven action on a ticket. Key is unique among the
// ticket's timers for as long as the action must not repeat: the SLA and
// unresolved escalations fire once in a ticket's life; the reminder and the
// auto-close once per resolution.
type Timer struct {
	Kind TimerKind
	Key  string
	At   time.Time
	// After is the key of the reminder an auto-close waits for: the close
	// comes no sooner than RemindDays after the reminder fired, so that a
	// customer reminded late still has the days it promises. "" for none.
	After string
}

// Timers are the actions rules r set on ticket t (whose history is events,
// first acted on by staff at respondedAt) as of now, due or not; a
// reminder comes before its auto-close. The caller fires those due whose
// key has not fired yet, in this order.
func Timers(t Ticket, events []Event, r TimeRules, cal Calendar, now, respondedAt time.Time) []Timer {
	var out []Timer
	if Done(t.Status) {
		return nil
	}
	if target, ok := TargetFor(r.Targets, t); ok {
		s := MeasureSLA(t, events, target, cal, now, respondedAt)
		if r.EscalateOnBreach && !s.FirstResponseDue.IsZero() && respondedAt.IsZero() {
			out = append(out, Timer{Kind: TimerLateReply, Key: string(TimerLateReply), At: s.FirstResponseDue})
		}
		if r.WarnAt > 0 && r.WarnAt < 1 {
			if at := s.At(r.WarnAt, now); !at.IsZero() {
				out = append(out, Timer{Kind: TimerSLAWarning, Key: string(TimerSLAWarning), At: at})
			}
		}
		if r.EscalateOnBreach {
			if at := s.At(1, now); !at.IsZero() {
				out = append(out, Timer{Kind: TimerSLABreach, Key: string(TimerSLABreach), At: at})
			}
		}
	}
	if r.UnresolvedDays > 0 && t.Status != StatusResolved {
		out = append(out, Timer{Kind: TimerUnresolved, Key: string(TimerUnresolved),
			At: cal.AddDays(t.CreatedAt, r.UnresolvedDays)})
	}
	if r.AutoCloseDays > 0 && t.Status == StatusResolved {
		resolved := lastChangeTo(events, StatusResolved, t.UpdatedAt)
		stamp := ":" + resolved.UTC().Format(time.RFC3339)
		closing := Timer{Kind: TimerAutoClose, Key: string(TimerAutoClose) + stamp, At: resolved.AddDate(0, 0, r.AutoCloseDays)}
		if r.RemindDays > 0 && r.RemindDays < r.AutoCloseDays {
			remind := Timer{Kind: TimerRemind, Key: string(TimerRemind) + stamp, At: closing.At.AddDate(0, 0, -r.RemindDays)}
			closing.After = remind.Key
			out = append(out, remind)
		}
		out = append(out, closing)
	}
	return out
}

// lastChangeTo is when the ticket last changed to state s, or def when its
// history does not say.
func lastChangeTo(events []Event, s Status, def time.Time) time.Time {
	at := def
	for _, e := range events {
		if e.To == s && e.From != s {
			at = e.At
		}
	}
	return at
}

// TimerReason is the history's sentence for a timer that fires at now: what
// it is, and, when it fires more than a minute after its time (the desk was
// not running then, or the timer's cause came later, as a severity raised
// mid-life), that it is late and by how much.
func TimerReason(tm Timer, what string, now time.Time) string {
	if late := now.Sub(tm.At); late > time.Minute {
		return fmt.Sprintf("%s (fired late: due %s, %s ago)", what, tm.At.UTC().Format(time.RFC3339), late.Round(time.Minute))
	}
	return what
}

// Escalate flags t as escalated with reason (when it is not yet) and records
// the escalation as an event by actor; the notification matrix tells whom
// the escalated row names. An escalated ticket escalates again with a new
// reason: the flag keeps the first, the history has each.
func Escalate(t Ticket, actor, reason string, now time.Time) Decision {
	if t.Escalated == nil {
		at := now
		t.Escalated, t.EscalationReason = &at, reason
	}
	t.UpdatedAt = now
	return Decision{Ticket: t, Events: []Event{{At: now, Actor: actor, Type: EventEscalated, Reason: reason}}}
}
