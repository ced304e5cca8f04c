package gateway

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"postdesk/store"
	"postdesk/ticket"
)

// atOpening applies the rules a new ticket meets at once: escalation for
// its severity (SEKO: Severity 1), escalation when it is the count-th
// ticket of one client with a similar summary within the window (linked to
// the others), and office hours: outside its calendar's working hours, the
// acknowledgement says when it will be handled, or, for an urgent ticket,
// the on-call agents are told at once.
func (p *Pipeline) atOpening(tx *store.Tx, dec *ticket.Decision, eff *effects, now time.Time) error {
	t := &dec.Ticket
	escalate := func(trigger, reason string) {
		esc := ticket.Escalate(*t, "postdesk", reason, now)
		dec.Ticket, dec.Events = esc.Ticket, append(dec.Events, esc.Events...)
		eff.escalations = append(eff.escalations, trigger)
	}
	if r, ok := p.cfg.escalationRule(TriggerSeverity); ok && slices.Contains(r.Severities, t.Severity) {
		escalate(TriggerSeverity, fmt.Sprintf("severity %d escalates at once", t.Severity))
	}
	if r, ok := p.cfg.escalationRule(TriggerRepeated); ok {
		earlier, err := tx.TicketsSince(p.cfg.Desk.Prefix, now.Add(-r.Window))
		if err != nil {
			return err
		}
		var same []string
		for _, o := range earlier {
			if o.ID != t.ID && sameClient(o, *t) && ticket.Similar(o.Summary, t.Summary) {
				same = append(same, o.Ref)
			}
		}
		if len(same)+1 >= r.Count {
			escalate(TriggerRepeated, fmt.Sprintf("%d tickets of %s with a similar summary within %s: %s",
				len(same)+1, clientOf(*t), r.Window, strings.Join(append(same, t.Ref), ", ")))
			for _, ref := range same {
				if !slices.Contains(t.Linked, ref) && !slices.Contains(eff.linked, ref) {
					eff.linked = append(eff.linked, ref)
					t.Linked = append(t.Linked, ref)
				}
			}
		}
	}
	cal := p.cals.For(*t)
	if cal.IsOpen(now) {
		return nil
	}
	oh := p.cfg.OfficeHours
	if slices.Contains(oh.UrgentSeverities, t.Severity) || slices.Contains(oh.UrgentPriorities, t.Priority) {
		eff.onCall = true
		dec.Events = append(dec.Events, ticket.Event{At: now, Actor: "postdesk", Type: ticket.EventNote,
			Reason: "urgent, outside office hours: the on-call agents are told (" + strings.Join(oh.OnCall, ", ") + ")"})
		return nil
	}
	eff.opensAt = cal.NextOpen(now)
	dec.Events = append(dec.Events, ticket.Event{At: now, Actor: "postdesk", Type: ticket.EventNote,
		Reason: "arrived outside office hours: handled from " + eff.opensAt.Format(time.RFC3339)})
	return nil
}

// clientOf names the customer a ticket is about: the client its subject
// named, else the requester's mail domain.
func clientOf(t ticket.Ticket) string {
	if t.Client != "" {
		return t.Client
	}
	return ticket.Domain(t.Requester)
}

// sameClient reports whether two tickets are about the same customer.
func sameClient(a, b ticket.Ticket) bool { return strings.EqualFold(clientOf(a), clientOf(b)) }
