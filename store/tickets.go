package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"postdesk/ticket"
)

// queryer is what both the writer's transaction and the read pool offer, so
// that one query serves both.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const ticketColumns = `id, prefix, number, subject, summary, client, severity, priority, status,
	requester, fields, created_at, updated_at, assignee, resolution, coalesce(escalated_at, ''),
	escalation_reason, department, category`

type rowScanner interface{ Scan(dest ...any) error }

func scanTicket(r rowScanner) (ticket.Ticket, error) {
	var t ticket.Ticket
	var prefix, fields, created, updated, escalated string
	if err := r.Scan(&t.ID, &prefix, &t.Number, &t.Subject, &t.Summary, &t.Client, &t.Severity,
		&t.Priority, &t.Status, &t.Requester, &fields, &created, &updated, &t.Assignee, &t.Resolution,
		&escalated, &t.EscalationReason, &t.Department, &t.Category); err != nil {
		return t, err
	}
	if escalated != "" {
		at, err := parseTS(escalated)
		if err != nil {
			return t, err
		}
		t.Escalated = &at
	}
	t.Ref = ticket.FormatRef(prefix, t.Number)
	if err := json.Unmarshal([]byte(fields), &t.Fields); err != nil {
		return t, fmt.Errorf("ticket %s fields: %w", t.Ref, err)
	}
	var err error
	if t.CreatedAt, err = parseTS(created); err != nil {
		return t, err
	}
	if t.UpdatedAt, err = parseTS(updated); err != nil {
		return t, err
	}
	return t, nil
}

// ticketByNumber reads one ticket with its participants (not its messages).
func ticketByNumber(ctx context.Context, q queryer, prefix string, number int64) (ticket.Ticket, error) {
	t, err := scanTicket(q.QueryRowContext(ctx, `SELECT `+ticketColumns+` FROM tickets WHERE prefix = ? AND number = ?`,
		prefix, number))
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("ticket %s: %w", ticket.FormatRef(prefix, number), ErrNotFound)
	}
	if err != nil {
		return t, fmt.Errorf("read ticket %s: %w", ticket.FormatRef(prefix, number), err)
	}
	if t.Participants, err = participants(ctx, q, t.ID); err != nil {
		return t, err
	}
	if t.Linked, err = links(ctx, q, t.ID); err != nil {
		return t, err
	}
	t.ClosedAt, err = closedAt(ctx, q, t.ID)
	return t, err
}

// closedAt is when a ticket last went to closed, by its history; zero when
// it never did.
func closedAt(ctx context.Context, q queryer, ticketID int64) (time.Time, error) {
	var at string
	err := q.QueryRowContext(ctx, `SELECT coalesce(max(at), '') FROM events
		WHERE ticket_id = ? AND type = ? AND to_status = ?`, ticketID, ticket.EventStatus, ticket.StatusClosed).Scan(&at)
	if err != nil || at == "" {
		if err != nil {
			err = fmt.Errorf("read closing time: %w", err)
		}
		return time.Time{}, err
	}
	return parseTS(at)
}

func participants(ctx context.Context, q queryer, ticketID int64) ([]string, error) {
	return column(ctx, q, "participants",
		`SELECT address FROM participants WHERE ticket_id = ? ORDER BY added_at, address`, ticketID)
}

func links(ctx context.Context, q queryer, ticketID int64) ([]string, error) {
	return column(ctx, q, "links", `SELECT ref FROM ticket_links WHERE ticket_id = ? ORDER BY added_at, ref`, ticketID)
}

// column reads the one text column of query's rows, never nil.
func column(ctx context.Context, q queryer, what, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("read %s: %w", what, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// TicketFilter selects tickets for ListTickets.
type TicketFilter struct {
	// Status, when set, keeps only tickets in that state.
	Status ticket.Status
}

// ListTickets returns the tickets matching f, newest first, without their
// messages.
func (s *Store) ListTickets(ctx context.Context, f TicketFilter) ([]ticket.Ticket, error) {
	query := `SELECT ` + ticketColumns + ` FROM tickets`
	var args []any
	if f.Status != "" {
		query += ` WHERE status = ?`
		args = append(args, string(f.Status))
	}
	rows, err := s.r.QueryContext(ctx, query+` ORDER BY created_at DESC, id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list tickets: %w", err)
	}
	defer rows.Close()
	var out []ticket.Ticket
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return nil, fmt.Errorf("list tickets: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tickets: %w", err)
	}
	for i := range out {
		if out[i].Participants, err = participants(ctx, s.r, out[i].ID); err != nil {
			return nil, err
		}
		if out[i].Linked, err = links(ctx, s.r, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Ticket returns the ticket with reference prefix-number, with its
// participants, messages (with attachment metadata) and events (each with
// the Message-ID of the mail that caused it, if any); both lists are
// non-nil.
// It returns an error wrapping ErrNotFound when there is none.
func (s *Store) Ticket(ctx context.Context, prefix string, number int64) (ticket.Ticket, error) {
	t, err := ticketByNumber(ctx, s.r, prefix, number)
	if err != nil {
		return t, err
	}
	if t.Messages, err = s.messages(ctx, t.ID); err != nil {
		return t, err
	}
	t.Events, err = s.events(ctx, t.ID)
	return t, err
}

func (s *Store) messages(ctx context.Context, ticketID int64) ([]ticket.Message, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, direction, message_id, from_addr, to_addrs, cc_addrs,
		subject, text_body, new_text, html_body, problems, forwarded, internal, created_at FROM messages WHERE ticket_id = ? ORDER BY id`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("read messages: %w", err)
	}
	defer rows.Close()
	out := []ticket.Message{}
	for rows.Next() {
		var m ticket.Message
		var to, cc, problems, forwarded, created string
		if err := rows.Scan(&m.ID, &m.Direction, &m.MessageID, &m.From, &to, &cc, &m.Subject, &m.Text,
			&m.NewText, &m.HTML, &problems, &forwarded, &m.Internal, &created); err != nil {
			return nil, fmt.Errorf("read messages: %w", err)
		}
		if err := unmarshalAll([]string{to, cc, problems, forwarded}, &m.To, &m.Cc, &m.Problems, &m.Forwarded); err != nil {
			return nil, fmt.Errorf("message %d: %w", m.ID, err)
		}
		if m.CreatedAt, err = parseTS(created); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read messages: %w", err)
	}
	for i := range out {
		if out[i].Attachments, err = s.attachments(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) attachments(ctx context.Context, messageID int64) ([]ticket.Attachment, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT filename, content_type, size, sha256, content_id, inline
		FROM attachments WHERE message_id = ? ORDER BY id`, messageID)
	if err != nil {
		return nil, fmt.Errorf("read attachments: %w", err)
	}
	defer rows.Close()
	out := []ticket.Attachment{}
	for rows.Next() {
		var a ticket.Attachment
		if err := rows.Scan(&a.Filename, &a.ContentType, &a.Size, &a.SHA256, &a.ContentID, &a.Inline); err != nil {
			return nil, fmt.Errorf("read attachments: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (s *Store) events(ctx context.Context, ticketID int64) ([]ticket.Event, error) {
	return readEvents(ctx, s.r, ticketID)
}

func readEvents(ctx context.Context, q queryer, ticketID int64) ([]ticket.Event, error) {
	rows, err := q.QueryContext(ctx, `SELECT e.at, e.actor, e.type, e.from_status, e.to_status, e.reason,
		coalesce(m.message_id, '') FROM events e LEFT JOIN messages m ON m.id = e.message_id
		WHERE e.ticket_id = ? ORDER BY e.id`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	defer rows.Close()
	out := []ticket.Event{}
	for rows.Next() {
		var e ticket.Event
		var at string
		if err := rows.Scan(&at, &e.Actor, &e.Type, &e.From, &e.To, &e.Reason, &e.MessageID); err != nil {
			return nil, fmt.Errorf("read events: %w", err)
		}
		if e.At, err = parseTS(at); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// unmarshalAll decodes JSON texts into the matching destinations.
func unmarshalAll(texts []string, dst ...any) error {
	for i, t := range texts {
		if err := json.Unmarshal([]byte(t), dst[i]); err != nil {
			return fmt.Errorf("stored JSON %q: %w", t, err)
		}
	}
	return nil
}

// placeholders returns "?, ?, ?" for n arguments.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
