package store

import (
	"context"
	"fmt"
	"time"

	"postdesk/ticket"
)

// Events returns the history of ticket id, oldest first.
func (s *Store) Events(ctx context.Context, id int64) ([]ticket.Event, error) {
	return s.events(ctx, id)
}

// Events returns the history of ticket id as the transaction sees it.
func (t *Tx) Events(id int64) ([]ticket.Event, error) { return readEvents(t.ctx, t.tx, id) }

// Staff returns the addresses of the agents and managers the desk knows.
func (s *Store) Staff(ctx context.Context) (map[string]bool, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT email FROM users WHERE role IN (?, ?)`,
		string(ticket.RoleAgent), string(ticket.RoleManager))
	if err != nil {
		return nil, fmt.Errorf("list staff: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, fmt.Errorf("list staff: %w", err)
		}
		out[e] = true
	}
	return out, rows.Err()
}

// FiredTimers returns the keys of the timers that fired, by ticket id.
func (s *Store) FiredTimers(ctx context.Context) (map[int64]map[string]bool, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT ticket_id, key FROM timers_fired`)
	if err != nil {
		return nil, fmt.Errorf("fired timers: %w", err)
	}
	defer rows.Close()
	out := map[int64]map[string]bool{}
	for rows.Next() {
		var id int64
		var key string
		if err := rows.Scan(&id, &key); err != nil {
			return nil, fmt.Errorf("fired timers: %w", err)
		}
		if out[id] == nil {
			out[id] = map[string]bool{}
		}
		out[id][key] = true
	}
	return out, rows.Err()
}

// FireTimer records that timer key of ticket id, due at due, fires at now.
// It returns false, recording nothing, when that timer fired before: the
// caller then does nothing either, so no timer acts twice.
func (t *Tx) FireTimer(id int64, key string, due, now time.Time) (bool, error) {
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO timers_fired (ticket_id, key, due_at, fired_at)
		VALUES (?, ?, ?, ?) ON CONFLICT (ticket_id, key) DO NOTHING`, id, key, ts(due), ts(now))
	if err != nil {
		return false, fmt.Errorf("fire timer %s of ticket %d: %w", key, id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// TicketsSince returns the tickets of prefix created at or after since,
// oldest first, without participants, messages or events.
func (t *Tx) TicketsSince(prefix string, since time.Time) ([]ticket.Ticket, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT `+ticketColumns+` FROM tickets WHERE prefix = ? AND created_at >= ?
		ORDER BY created_at, id`, prefix, ts(since))
	if err != nil {
		return nil, fmt.Errorf("tickets since %s: %w", since, err)
	}
	defer rows.Close()
	var out []ticket.Ticket
	for rows.Next() {
		tk, err := scanTicket(rows)
		if err != nil {
			return nil, fmt.Errorf("tickets since %s: %w", since, err)
		}
		out = append(out, tk)
	}
	return out, rows.Err()
}
