package store

import (
	"fmt"
	"slices"
	"time"

	"postdesk/ticket"
)

// SetParticipants makes the participants of ticketID exactly list: addresses
// not in it are removed, new ones added at the time at.
func (t *Tx) SetParticipants(ticketID int64, list []string, at time.Time) error {
	current, err := participants(t.ctx, t.tx, ticketID)
	if err != nil {
		return err
	}
	for _, a := range current {
		if slices.Contains(list, a) {
			continue
		}
		if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM participants WHERE ticket_id = ? AND address = ?`, ticketID, a); err != nil {
			return fmt.Errorf("remove participant: %w", err)
		}
	}
	for _, a := range list {
		if _, err := t.tx.ExecContext(t.ctx, `INSERT OR IGNORE INTO participants (ticket_id, address, added_at)
			VALUES (?, ?, ?)`, ticketID, a, ts(at)); err != nil {
			return fmt.Errorf("add participant: %w", err)
		}
	}
	return nil
}

// TicketsOf returns the tickets of prefix that email opened and those it
// takes part in, newest first, without messages (a customer's #list). At
// most limit of each.
func (t *Tx) TicketsOf(prefix, email string, limit int) (opened, partOf []ticket.Ticket, err error) {
	read := func(what, query string) ([]ticket.Ticket, error) {
		rows, err := t.tx.QueryContext(t.ctx, `SELECT `+ticketColumns+` FROM tickets WHERE prefix = ? AND `+query+`
			ORDER BY created_at DESC, id DESC LIMIT ?`, prefix, email, limit)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		defer rows.Close()
		var out []ticket.Ticket
		for rows.Next() {
			tk, err := scanTicket(rows)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", what, err)
			}
			out = append(out, tk)
		}
		return out, rows.Err()
	}
	if opened, err = read("tickets opened", `requester = ?`); err != nil {
		return nil, nil, err
	}
	partOf, err = read("tickets taken part in", `id IN (SELECT ticket_id FROM participants WHERE address = ?)`)
	return opened, partOf, err
}
