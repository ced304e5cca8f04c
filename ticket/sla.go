package ticket

import (
	"fmt"
	"strings"
	"time"
)

// Target is a service-level target for the tickets of one severity and/or
// priority: how long until resolution, counted in business time on the
// ticket's calendar or in wall-clock time.
type Target struct {
	// Severity and Priority select the tickets (0 and "" match any).
	Severity int
	Priority string
	// FirstResponse is the time until an agent first acts on the ticket
	// (answers, or changes it); Resolution the time to resolve. 0 means no
	// target.
	FirstResponse, Resolution time.Duration
	// Business counts only the calendar's working time.
	Business bool
}

// TargetFor is the first of targets that matches t.
func TargetFor(targets []Target, t Ticket) (Target, bool) {
	for _, tg := range targets {
		if (tg.Severity == 0 || tg.Severity == t.Severity) && (tg.Priority == "" || tg.Priority == t.Priority) &&
			(tg.Resolution > 0 || tg.FirstResponse > 0) {
			return tg, true
		}
	}
	return Target{}, false
}

// Paused reports whether the SLA clock stands still in state s: while the
// ticket waits for the customer (on hold, or resolved awaiting their
// confirmation).
func Paused(s Status) bool { return s == StatusWaitingCustomer || s == StatusResolved }

// Done reports whether the SLA clock has stopped for good in state s.
func Done(s Status) bool { return s == StatusClosed || s == StatusCancelled }

// SLA is where a ticket stands against its resolution target at a moment.
type SLA struct {
	Target Target
	// Used is the time counted so far: business or wall-clock time while
	// the ticket was neither paused nor done.
	Used time.Duration
	// Remaining is Target.Resolution less Used; negative once breached.
	Remaining time.Duration
	// DueAt is when the resolution target is reached: the moment it was,
	// once breached, else when it will be if the clock keeps running; zero
	// while paused or done short of it, or without a resolution target.
	DueAt  time.Time
	Paused bool
	Done   bool
	// cal and running (the intervals the clock ran, oldest first) let At
	// find when a share of the target was or will be used.
	cal     Calendar
	running [][2]time.Time
	// FirstResponseDue is when the first response is due (zero without a
	// first-response target); RespondedAt when it came (zero: not yet).
	FirstResponseDue, RespondedAt time.Time
}

// ResponseLate reports whether the first response is missing past its due
// time at now, or came after it.
func (s SLA) ResponseLate(now time.Time) bool {
	if s.FirstResponseDue.IsZero() {
		return false
	}
	if s.RespondedAt.IsZero() {
		return !now.Before(s.FirstResponseDue)
	}
	return s.RespondedAt.After(s.FirstResponseDue)
}

// FirstResponse is when staff first responded on the ticket whose history
// is events: the first mail an agent or manager wrote on it (not an
// automatic one such as an out-of-office reply), or the first change they
// made to its state, assignee, resolution or fields; zero when none did.
func FirstResponse(events []Event, isStaff func(string) bool) time.Time {
	for _, e := range events {
		if !isStaff(e.Actor) {
			continue
		}
		switch e.Type {
		case EventStatus, EventAssigned, EventResolution, EventChanged:
			return e.At
		case EventMessageAdded:
			if !strings.HasPrefix(e.Reason, automatedReason) {
				return e.At
			}
		}
	}
	return time.Time{}
}

// Breached reports whether the resolution target was missed.
func (s SLA) Breached() bool {
	return s.Target.Resolution > 0 && (s.Remaining < 0 || (s.Remaining == 0 && !s.Done))
}

// MeasureSLA measures t against target at now. The ticket's state over time
// is read from its events (created, then each change of state); the
// resolution clock runs from creation, pauses while Paused and stops when
// Done. respondedAt is when staff first acted (FirstResponse).
func MeasureSLA(t Ticket, events []Event, target Target, cal Calendar, now, respondedAt time.Time) SLA {
	s := SLA{Target: target, RespondedAt: respondedAt, cal: cal}
	if target.FirstResponse > 0 {
		s.FirstResponseDue = t.CreatedAt.Add(target.FirstResponse)
		if target.Business {
			s.FirstResponseDue = cal.Add(t.CreatedAt, target.FirstResponse)
		}
	}
	state, since := StatusNew, t.CreatedAt
	for _, e := range events {
		if e.To == "" || e.To == e.From || e.At.After(now) {
			continue
		}
		if !Paused(state) && !Done(state) && e.At.After(since) {
			s.running = append(s.running, [2]time.Time{since, e.At})
		}
		state, since = e.To, e.At
	}
	switch {
	case Done(state):
		s.Done = true
	case Paused(state):
		s.Paused = true
	default:
		if now.After(since) {
			s.running = append(s.running, [2]time.Time{since, now})
		}
	}
	for _, r := range s.running {
		s.Used += s.count(r[0], r[1])
	}
	s.Remaining = target.Resolution - s.Used
	if target.Resolution > 0 {
		s.DueAt = s.when(target.Resolution, now)
	}
	return s
}

// count is the time the target counts between a and b.
func (s SLA) count(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	if s.Target.Business {
		return s.cal.Elapsed(a, b)
	}
	return b.Sub(a)
}

// when is the moment the clock reaches limit: within the time it ran so
// far when it did (a fixed moment, however late now is), else projected
// from now while the clock runs; zero while paused or done short of it.
func (s SLA) when(limit time.Duration, now time.Time) time.Time {
	var used time.Duration
	for _, r := range s.running {
		c := s.count(r[0], r[1])
		if used+c >= limit {
			if s.Target.Business {
				return s.cal.Add(r[0], limit-used)
			}
			return r[0].Add(limit - used)
		}
		used += c
	}
	if s.Paused || s.Done {
		return time.Time{}
	}
	if s.Target.Business {
		return s.cal.Add(now, limit-used)
	}
	return now.Add(limit - used)
}

// At is when fraction f of the resolution target is used: the moment a
// warning at f (or, at 1, the breach) is due; a fixed moment once passed.
// Zero without a resolution target, or while paused or done short of it.
func (s SLA) At(f float64, now time.Time) time.Time {
	if s.Target.Resolution == 0 {
		return time.Time{}
	}
	return s.when(time.Duration(float64(s.Target.Resolution)*f), now)
}

// Describe says where the ticket stands in a phrase: "due 2026-11-24 13:00
// (3h20m left)", "breached by 2h", "paused (1h left)".
func (s SLA) Describe(loc *time.Location) string {
	left := s.Remaining.Round(time.Minute)
	switch {
	case s.Target.Resolution == 0:
		return "no resolution target"
	case s.Done && s.Remaining < 0:
		return fmt.Sprintf("done, %s over the target", (-left).String())
	case s.Done:
		return "done within the target"
	case s.Paused:
		return fmt.Sprintf("paused while waiting for the customer (%s left)", left)
	case s.Breached():
		return fmt.Sprintf("breached by %s", (-left).String())
	}
	return fmt.Sprintf("due %s (%s left)", s.DueAt.In(loc).Format("2006-01-02 15:04 MST"), left)
}

// SLAView is where a ticket stands against its target, as `tickets --json`
// and `show --json` print it (a contract: keys are only added).
type SLAView struct {
	// Resolution and FirstResponse are the targets ("4h0m0s"; "" for none).
	Resolution    string `json:"resolution,omitempty"`
	FirstResponse string `json:"first_response,omitempty"`
	// Business is true when the targets count working time only.
	Business bool `json:"business"`
	// Remaining is the resolution time left ("3h20m0s", negative once
	// breached), also in whole seconds.
	Remaining        string `json:"remaining,omitempty"`
	RemainingSeconds int64  `json:"remaining_seconds"`
	Paused           bool   `json:"paused"`
	Breached         bool   `json:"breached"`
	// FirstResponseDue and RespondedAt are null when there is no
	// first-response target, or no response yet.
	FirstResponseDue *time.Time `json:"first_response_due"`
	RespondedAt      *time.Time `json:"responded_at"`
	ResponseLate     bool       `json:"response_late"`
}

// View is s as SLAView, at now.
func (s SLA) View(now time.Time) *SLAView {
	v := &SLAView{Business: s.Target.Business, Paused: s.Paused, Breached: s.Breached(), ResponseLate: s.ResponseLate(now)}
	if s.Target.Resolution > 0 {
		v.Resolution, v.Remaining = s.Target.Resolution.String(), s.Remaining.Round(time.Second).String()
		v.RemainingSeconds = int64(s.Remaining / time.Second)
	}
	if s.Target.FirstResponse > 0 {
		v.FirstResponse = s.Target.FirstResponse.String()
		due := s.FirstResponseDue.UTC()
		v.FirstResponseDue = &due
	}
	if !s.RespondedAt.IsZero() {
		at := s.RespondedAt.UTC()
		v.RespondedAt = &at
	}
	return v
}
