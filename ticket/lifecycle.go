package ticket

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Resolution says how a resolved, closed or cancelled ticket ended.
type Resolution string

// Resolution values (Replica's "needs a quote", "handed to the project
// manager", "moved to another department" among them).
const (
	ResolutionFixed               Resolution = "fixed"
	ResolutionConfirmedByCustomer Resolution = "confirmed_by_customer"
	ResolutionNoResponse          Resolution = "no_response"
	ResolutionQuoteRequired       Resolution = "quote_required"
	ResolutionProjectManager      Resolution = "project_manager"
	ResolutionMovedDepartment     Resolution = "moved_department"
	ResolutionDuplicate           Resolution = "duplicate"
	ResolutionCancelled           Resolution = "cancelled"
)

// Resolutions lists every resolution.
var Resolutions = []Resolution{
	ResolutionFixed, ResolutionConfirmedByCustomer, ResolutionNoResponse, ResolutionQuoteRequired,
	ResolutionProjectManager, ResolutionMovedDepartment, ResolutionDuplicate, ResolutionCancelled,
}

// ParseResolution returns the Resolution named s, or an error naming the
// accepted values.
func ParseResolution(s string) (Resolution, error) {
	if r := Resolution(s); slices.Contains(Resolutions, r) {
		return r, nil
	}
	return "", fmt.Errorf("unknown resolution %q (accepted: %v)", s, Resolutions)
}

// transitions are the moves an agent may make, from each state. A state
// reached by the customer or the timers follows its own rules (CustomerReply).
var transitions = map[Status][]Status{
	StatusNew:             {StatusAssigned, StatusInProgress, StatusWaitingCustomer, StatusDevRequest, StatusResolved, StatusClosed, StatusCancelled},
	StatusAssigned:        {StatusNew, StatusInProgress, StatusWaitingCustomer, StatusDevRequest, StatusResolved, StatusClosed, StatusCancelled},
	StatusInProgress:      {StatusAssigned, StatusWaitingCustomer, StatusDevRequest, StatusResolved, StatusClosed, StatusCancelled},
	StatusWaitingCustomer: {StatusInProgress, StatusDevRequest, StatusResolved, StatusClosed, StatusCancelled},
	StatusDevRequest:      {StatusInProgress, StatusWaitingCustomer, StatusResolved, StatusClosed, StatusCancelled},
	StatusResolved:        {StatusInProgress, StatusWaitingCustomer, StatusClosed},
	StatusClosed:          {StatusInProgress},
	StatusCancelled:       {},
}

// IsOpen reports whether work on a ticket in status s is still to be done.
func IsOpen(s Status) bool {
	return s != StatusResolved && s != StatusClosed && s != StatusCancelled
}

// Change is what an agent or operator asks of a ticket. Empty fields change
// nothing.
type Change struct {
	Actor      string
	Status     Status
	Assignee   string // an address, or "-" to unassign
	Resolution Resolution
	// Note is why: with a status change it is the status event's reason
	// (the history's "why" of the move); alone, an internal note kept in
	// the history.
	Note string
}

// Set applies an agent's change to t, or refuses it with a reason and leaves
// t as it was. Assigning a new ticket makes it assigned; unassigning an
// assigned one makes it new again. Assigned and in_progress need an
// assignee: moving an unassigned ticket to in_progress assigns the acting
// agent when the actor is an address (a mail command), and is refused
// otherwise (an operator's `set` names one with --assign). Resolved and closed
// need a resolution (fixed when none is given and the ticket has none);
// cancelled always has resolution cancelled. A resolution that contradicts
// the status is refused, never replaced (ResolutionFits). Reopening a closed
// ticket is refused when the desk does not reopen.
func Set(d Desk, t Ticket, c Change, now time.Time) (Decision, error) {
	dec := Decision{Ticket: t}
	nt := &dec.Ticket
	if c.Assignee != "" {
		to := strings.ToLower(c.Assignee)
		if to == "-" {
			to = ""
		}
		if to != nt.Assignee {
			dec.Events = append(dec.Events, Event{At: now, Actor: c.Actor, Type: EventAssigned,
				Reason: assignReason(nt.Assignee, to)})
			nt.Assignee = to
		}
		if c.Status == "" && to != "" && nt.Status == StatusNew {
			c.Status = StatusAssigned
		}
		if c.Status == "" && to == "" && nt.Status == StatusAssigned {
			c.Status = StatusNew
		}
		if to == "" && (c.Status == StatusInProgress || c.Status == "" && nt.Status == StatusInProgress) {
			return Decision{}, fmt.Errorf("%s cannot be in_progress without an assignee: give another one, or move it on with --status at the same time", t.Ref)
		}
	}
	if c.Resolution != "" && (c.Status == "" || c.Status == nt.Status) {
		if err := ResolutionFits(nt.Status, c.Resolution); err != nil {
			return Decision{}, fmt.Errorf("%s: %w", t.Ref, err)
		}
		dec.Events = append(dec.Events, Event{At: now, Actor: c.Actor, Type: EventResolution,
			Reason: joinWhy(fmt.Sprintf("resolution %s (was %s)", c.Resolution, orNone(string(nt.Resolution))), c.Note)})
		nt.Resolution = c.Resolution
		c.Note, c.Status = "", ""
	}
	if c.Status != "" && c.Status != nt.Status {
		if c.Status == StatusInProgress && nt.Assignee == "" {
			if !strings.Contains(c.Actor, "@") {
				return Decision{}, fmt.Errorf("%s cannot be in_progress without an assignee (give --assign)", t.Ref)
			}
			dec.Events = append(dec.Events, Event{At: now, Actor: c.Actor, Type: EventAssigned,
				Reason: assignReason("", strings.ToLower(c.Actor)) + " (who started the work)"})
			nt.Assignee = strings.ToLower(c.Actor)
		}
		ev, err := move(d, nt, c.Status, c.Resolution, c.Actor, now)
		if err != nil {
			return Decision{}, err
		}
		ev.Reason = joinWhy(ev.Reason, c.Note)
		c.Note = ""
		dec.Events = append(dec.Events, ev)
	} else if c.Status != "" && len(dec.Events) == 0 && c.Note == "" {
		return Decision{}, fmt.Errorf("%s is %s already", t.Ref, t.Status)
	}
	if c.Note != "" {
		dec.Events = append(dec.Events, Event{At: now, Actor: c.Actor, Type: EventNote, Reason: c.Note})
	}
	if len(dec.Events) == 0 {
		return Decision{}, fmt.Errorf("nothing to change on %s", t.Ref)
	}
	nt.UpdatedAt = now
	return dec, nil
}

// ResolutionFits reports why resolution r contradicts status s, nil when
// it fits: cancelled is the resolution of cancelled tickets only, and a
// cancelled ticket has no other; confirmed_by_customer and no_response say
// how a ticket closed, so a resolved ticket (still awaiting the customer)
// has neither; open states have none.
func ResolutionFits(s Status, r Resolution) error {
	switch {
	case r == "":
		return nil
	case s == StatusCancelled && r != ResolutionCancelled:
		return fmt.Errorf("a cancelled ticket always has resolution cancelled, not %s; for a %s use --status closed --resolution %s", r, r, r)
	case s == StatusCancelled:
		return nil
	case r == ResolutionCancelled:
		return fmt.Errorf("resolution cancelled belongs to a cancelled ticket, not a %s one: use --status cancelled", s)
	case s == StatusResolved && (r == ResolutionConfirmedByCustomer || r == ResolutionNoResponse):
		return fmt.Errorf("resolution %s says how a ticket closed; a resolved ticket still awaits the customer: use --status closed", r)
	case s != StatusResolved && s != StatusClosed:
		return fmt.Errorf("a resolution belongs to a resolved or closed ticket, not %s", s)
	}
	return nil
}

// move changes t's status to s if the lifecycle allows it.
func move(d Desk, t *Ticket, s Status, r Resolution, actor string, now time.Time) (Event, error) {
	if !slices.Contains(transitions[t.Status], s) {
		return Event{}, fmt.Errorf("%s cannot go from %s to %s (from %s it may go to: %s)",
			t.Ref, t.Status, s, t.Status, statusList(transitions[t.Status]))
	}
	if t.Status == StatusClosed && !d.Reopen.Reopens() {
		return Event{}, fmt.Errorf("%s is closed and this desk does not reopen closed tickets: open a new one that refers to it", t.Ref)
	}
	if s == StatusAssigned && t.Assignee == "" {
		return Event{}, fmt.Errorf("%s cannot be assigned without an assignee (give --assign)", t.Ref)
	}
	if err := ResolutionFits(s, r); err != nil {
		return Event{}, fmt.Errorf("%s: %w", t.Ref, err)
	}
	ev := Event{At: now, Actor: actor, Type: EventStatus, From: t.Status, To: s}
	switch s {
	case StatusResolved, StatusClosed:
		if r == "" && ResolutionFits(s, t.Resolution) == nil {
			r = t.Resolution
		}
		if r == "" {
			r = ResolutionFixed
		}
		t.Resolution = r
		ev.Reason = "resolution " + string(r)
		if s == StatusClosed {
			t.ClosedAt = now
		}
	case StatusCancelled:
		t.Resolution = ResolutionCancelled
	default:
		t.Resolution = ""
	}
	t.Status = s
	return ev, nil
}

// joinWhy adds the actor's why to an event's reason.
func joinWhy(reason, why string) string {
	switch {
	case why == "":
		return reason
	case reason == "":
		return why
	}
	return reason + ": " + why
}

func statusList(s []Status) string {
	if len(s) == 0 {
		return "nowhere: it is final"
	}
	parts := make([]string, len(s))
	for i, x := range s {
		parts[i] = string(x)
	}
	return strings.Join(parts, ", ")
}

func assignReason(from, to string) string {
	return fmt.Sprintf("assignee %s -> %s", orNone(from), orNone(to))
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
