package store

import (
	"context"
	"database/sql"
	"errors"
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

// openIDs selects the ids of the tickets of a prefix that are neither
// closed nor cancelled.
const openIDs = `SELECT id FROM tickets WHERE prefix = ? AND status NOT IN ('closed', 'cancelled')`

// OpenTickets returns the tickets of prefix that are neither closed nor
// cancelled, with their histories (by ticket id) and the keys of the timers
// that fired for them (by ticket id): what the timer loop reads in each
// pass, in three queries. The tickets come without participants, links or
// messages.
func (s *Store) OpenTickets(ctx context.Context, prefix string) ([]ticket.Ticket, map[int64][]ticket.Event,
	map[int64]map[string]bool, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+ticketColumns+` FROM tickets WHERE id IN (`+openIDs+`) ORDER BY id`, prefix)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("open tickets: %w", err)
	}
	var list []ticket.Ticket
	for rows.Next() {
		tk, err := scanTicket(rows)
		if err != nil {
			rows.Close()
			return nil, nil, nil, fmt.Errorf("open tickets: %w", err)
		}
		list = append(list, tk)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, nil, fmt.Errorf("open tickets: %w", err)
	}
	events := map[int64][]ticket.Event{}
	rows, err = s.r.QueryContext(ctx, `SELECT ticket_id, at, actor, type, from_status, to_status, reason
		FROM events WHERE ticket_id IN (`+openIDs+`) ORDER BY ticket_id, id`, prefix)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("open tickets' events: %w", err)
	}
	for rows.Next() {
		var id int64
		var e ticket.Event
		var at string
		if err := rows.Scan(&id, &at, &e.Actor, &e.Type, &e.From, &e.To, &e.Reason); err != nil {
			rows.Close()
			return nil, nil, nil, fmt.Errorf("open tickets' events: %w", err)
		}
		if e.At, err = parseTS(at); err != nil {
			rows.Close()
			return nil, nil, nil, err
		}
		events[id] = append(events[id], e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, nil, fmt.Errorf("open tickets' events: %w", err)
	}
	fired := map[int64]map[string]bool{}
	rows, err = s.r.QueryContext(ctx, `SELECT ticket_id, key FROM timers_fired WHERE ticket_id IN (`+openIDs+`)`, prefix)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("fired timers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var key string
		if err := rows.Scan(&id, &key); err != nil {
			return nil, nil, nil, fmt.Errorf("fired timers: %w", err)
		}
		if fired[id] == nil {
			fired[id] = map[string]bool{}
		}
		fired[id][key] = true
	}
	return list, events, fired, rows.Err()
}

// TimerFiredAt is when timer key of ticket id fired; ok is false when it
// has not.
func (t *Tx) TimerFiredAt(id int64, key string) (at time.Time, ok bool, err error) {
	var s string
	err = t.tx.QueryRowContext(t.ctx, `SELECT fired_at FROM timers_fired WHERE ticket_id = ? AND key = ?`, id, key).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("timer %s of ticket %d: %w", key, id, err)
	}
	at, err = parseTS(s)
	return at, err == nil, err
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
