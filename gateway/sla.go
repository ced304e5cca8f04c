package gateway

import (
	"context"
	"time"

	"postdesk/store"
	"postdesk/ticket"
)

// clockRules measure tickets against the desk's SLA targets on their
// calendars: what `show`, `tickets` and the timer loop share.
type clockRules struct {
	rules ticket.TimeRules
	cals  Calendars
	staff map[string]bool
}

// newClockRules reads the desk's rules and its staff; cals are the desk's
// calendars (cfg.BuildCalendars, built once by a running desk).
func newClockRules(ctx context.Context, cfg Config, cals Calendars, st *store.Store) (clockRules, error) {
	staff, err := st.Staff(ctx)
	if err != nil {
		return clockRules{}, err
	}
	return clockRules{rules: cfg.TimeRules(), cals: cals, staff: staff}, nil
}

// respondedAt is when staff first acted on the ticket whose history is events.
func (c clockRules) respondedAt(events []ticket.Event) time.Time {
	return ticket.FirstResponse(events, func(a string) bool { return c.staff[a] })
}

// annotate fills t's DueAt and SLA as of now from its history; a ticket no
// target applies to is left without.
func (c clockRules) annotate(t *ticket.Ticket, events []ticket.Event, now time.Time) {
	target, ok := ticket.TargetFor(c.rules.Targets, *t)
	if !ok {
		return
	}
	s := ticket.MeasureSLA(*t, events, target, c.cals.For(*t), now, c.respondedAt(events))
	t.SLA = s.View(now)
	if !s.DueAt.IsZero() && !s.Done && !s.Paused {
		due := s.DueAt.UTC()
		t.DueAt = &due
	}
}

// urgent reports whether an annotated ticket that is still being worked on
// (neither done nor waiting for the customer) is breached (or late in its
// first response), or, with within > 0, falls due within that time of now.
func urgent(t ticket.Ticket, now time.Time, within time.Duration) bool {
	if t.SLA == nil || ticket.Done(t.Status) || t.SLA.Paused {
		return false
	}
	if within <= 0 {
		return t.SLA.Breached || t.SLA.ResponseLate
	}
	limit := now.Add(within)
	return (t.DueAt != nil && !t.DueAt.After(limit)) ||
		(t.SLA.FirstResponseDue != nil && t.SLA.RespondedAt == nil && !t.SLA.FirstResponseDue.After(limit))
}
