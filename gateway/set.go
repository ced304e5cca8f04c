package gateway

import (
	"context"
	"fmt"
	"io"

	"postdesk/store"
	"postdesk/threading"
	"postdesk/ticket"
)

// SetRequest is what `postdesk set` asks of a ticket.
type SetRequest struct {
	Ref    string
	Change ticket.Change
}

// SetTicket applies an agent's or operator's change to a ticket in one
// transaction, with the events that record it and the notifications the
// desk's matrix asks for (sent by the running desk's outbox worker), and
// writes what happened to w. A note given with a status change is that
// change's why: the status event's reason (ticket.Set), printed after it.
// A change the lifecycle does not allow is refused with the reason and
// changes nothing.
func SetTicket(ctx context.Context, w io.Writer, st *store.Store, cfg Config, deps Deps, req SetRequest) error {
	n, err := threading.NewMatcher(cfg.Desk.Prefix, cfg.Desk.Domain).ParseRef(req.Ref)
	if err != nil {
		return err
	}
	tmpl, err := cfg.Templates()
	if err != nil {
		return err
	}
	secret, err := ReplySecret(ctx, st, cfg, deps)
	if err != nil {
		return err
	}
	p := NewPipeline(cfg, st, tmpl, deps, secret, nil)
	queued := false
	var dec ticket.Decision
	var before ticket.Ticket
	err = st.Write(ctx, func(tx *store.Tx) error {
		t, err := tx.Ticket(cfg.Desk.Prefix, n)
		if err != nil {
			return err
		}
		before = t
		if dec, err = ticket.Set(cfg.TicketDesk(), t, req.Change, deps.clock()); err != nil {
			return err
		}
		if err := tx.UpdateTicket(dec.Ticket); err != nil {
			return err
		}
		if err := tx.AddEvents(t.ID, 0, dec.Events); err != nil {
			return err
		}
		return p.queueChanges(tx, dec, deps.clock(), &queued, req.Change.Actor)
	})
	if err != nil {
		return err
	}
	t := dec.Ticket
	fmt.Fprintf(w, "%s: %s", t.Ref, t.Status)
	if before.Status != t.Status {
		fmt.Fprintf(w, " (was %s)", before.Status)
	}
	if t.Resolution != "" {
		fmt.Fprintf(w, ", resolution %s", t.Resolution)
	}
	if t.Assignee != "" {
		fmt.Fprintf(w, ", assignee %s", t.Assignee)
	}
	if queued {
		fmt.Fprint(w, "; notifications queued")
	}
	if req.Change.Note != "" && before.Status != t.Status {
		fmt.Fprintf(w, "; why: %s", req.Change.Note)
	}
	fmt.Fprintln(w)
	return nil
}
