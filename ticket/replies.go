package ticket

import (
	"slices"
	"strings"
	"time"
)

// ReopenPolicy says what a customer's answer to a closed ticket does.
type ReopenPolicy struct {
	// Mode is ReopenTicket (OCS, SERA: the answer reopens it) or NewLinked
	// (SEKO, Replica: closed tickets are not reopened; the answer opens a
	// new ticket linked to the old one).
	Mode string
	// WindowDays, when above 0, is how long after closing a reopening desk
	// still reopens; later answers open a new linked ticket.
	WindowDays int
}

// Reopen modes.
const (
	ReopenTicket = "reopen"
	NewLinked    = "new_ticket"
)

// Reopens reports whether the desk ever reopens closed tickets.
func (p ReopenPolicy) Reopens() bool { return p.Mode == ReopenTicket }

// CustomerReply decides what a customer's mail threaded onto t does, by desk
// policy:
//   - automated mail (auto-replies, bounces) changes nothing;
//   - an answer to a ticket waiting for the customer sends it back to work;
//   - "resolved" (or the desk's words for it) on an open or resolved
//     ticket closes it, confirmed by the customer;
//   - "retest failed" on a resolved ticket, or any other answer to it,
//     sends it back to the agent — except a mere thank-you ("Thanks!",
//     "Vielen Dank", "Grazie mille!"): a resolved ticket waits for the
//     customer's retest (SEMCO "Nachtest") or their word that it is solved
//     (SEKO), and thanks are neither, so it stays resolved, the mail kept on
//     it for the agent to read;
//   - what reads as a confirmation only when nothing puts it in doubt
//     (Intents): a doubtful answer never closes;
//   - an answer to a closed ticket reopens it, or — when the desk does not
//     reopen, or the window counted from its closing (Ticket.ClosedAt, not
//     its last update, which automated mail moves) has passed — asks for a
//     new ticket linked to it (Decision.OpenLinked);
//   - an answer to a cancelled ticket opens a new linked ticket.
func CustomerReply(d Desk, t Ticket, in Inbound, now time.Time) Decision {
	dec := AddReply(d, t, in, now)
	if in.Automated != "" || in.NullSender {
		return dec
	}
	nt := &dec.Ticket
	to, reason := Status(""), ""
	switch intent := d.Intents.intent(in.NewText); {
	case nt.Status == StatusClosed || nt.Status == StatusCancelled:
		if nt.Status == StatusClosed && d.Reopen.Reopens() && d.Reopen.withinWindow(closedAt(t), now) {
			to, reason = StatusInProgress, "reopened by the customer's answer"
			break
		}
		// The closed ticket stays as it was; the caller opens the new one
		// (OpenLinked) and records the link on both.
		return Decision{Ticket: t, OpenLinked: true}
	case intent == intentConfirm && (IsOpen(nt.Status) || nt.Status == StatusResolved):
		to, reason = StatusClosed, "the customer confirms it is resolved"
		nt.Resolution = ResolutionConfirmedByCustomer
		nt.ClosedAt = now
	case nt.Status == StatusResolved && intent == intentFailed:
		to, reason = StatusInProgress, "the customer's retest failed"
	case nt.Status == StatusResolved && intent == "" && courtesyOnly(in.NewText):
		return dec
	case nt.Status == StatusResolved:
		to, reason = StatusInProgress, "the customer answered the resolution"
	case nt.Status == StatusWaitingCustomer:
		to, reason = StatusInProgress, "answer received"
	default:
		return dec
	}
	if to != StatusClosed {
		nt.Resolution = ""
	}
	dec.Events = append(dec.Events, Event{At: now, Actor: in.From, Type: EventStatus, From: nt.Status, To: to, Reason: reason})
	nt.Status = to
	return dec
}

// closedAt is when t was closed: Ticket.ClosedAt, or for a ticket loaded
// without it its last update.
func closedAt(t Ticket) time.Time {
	if !t.ClosedAt.IsZero() {
		return t.ClosedAt
	}
	return t.UpdatedAt
}

// withinWindow reports whether now is within the reopen window after closed.
func (p ReopenPolicy) withinWindow(closed, now time.Time) bool {
	return p.WindowDays <= 0 || closed.IsZero() || now.Sub(closed) <= time.Duration(p.WindowDays)*24*time.Hour
}

// OpenLinked builds the new ticket that an answer to a closed ticket opens
// when the desk does not reopen: it quotes the old reference in its summary
// and links to it. The people of the old ticket (its requester and
// participants, all admitted by the desk's policy when they joined it) take
// part in the new one too, unless the policy keeps them out now
// (in.Refused); so do the ones the answer copies, as on any new ticket.
func OpenLinked(d Desk, old Ticket, in Inbound, now time.Time) Decision {
	dec := Open(d, in, now)
	for _, a := range append([]string{old.Requester}, old.Participants...) {
		a = strings.ToLower(a)
		_, refused := in.Refused[a]
		if a == "" || a == dec.Ticket.Requester || refused || d.Ours(a) || slices.Contains(dec.Ticket.Participants, a) {
			continue
		}
		dec.Ticket.Participants = append(dec.Ticket.Participants, a)
	}
	dec.Ticket.Linked = []string{old.Ref}
	if !strings.Contains(dec.Ticket.Summary, old.Ref) {
		dec.Ticket.Summary += " (follows " + old.Ref + ")"
	}
	if in.Severity == 0 && old.Severity != 0 {
		dec.Ticket.Severity = old.Severity
	}
	if dec.Ticket.Client == "" {
		dec.Ticket.Client = old.Client
	}
	dec.Events = append(dec.Events, Event{At: now, Actor: in.From, Type: EventLinked,
		Reason: "follows " + string(old.Status) + " ticket " + old.Ref})
	return dec
}
