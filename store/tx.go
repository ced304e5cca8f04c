package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"postdesk/ticket"
)

// Tx is the writer's transaction as Write hands it to a function. Its methods
// are the only ways postdesk changes the database.
type Tx struct {
	tx  *sql.Tx
	ctx context.Context
}

// TicketNumbersByMessageID maps each of ids that a message of a ticket of
// prefix carries to that ticket's number.
func (t *Tx) TicketNumbersByMessageID(prefix string, ids []string) (map[string]int64, error) {
	out := map[string]int64{}
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{prefix}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := t.tx.QueryContext(t.ctx, `SELECT m.message_id, t.number FROM messages m
		JOIN tickets t ON t.id = m.ticket_id
		WHERE t.prefix = ? AND m.message_id IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("look up message ids: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var n int64
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("look up message ids: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}

// ExistingNumbers returns which of numbers are tickets of prefix.
func (t *Tx) ExistingNumbers(prefix string, numbers []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	for _, n := range numbers {
		var one int
		err := t.tx.QueryRowContext(t.ctx, `SELECT 1 FROM tickets WHERE prefix = ? AND number = ?`, prefix, n).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("look up ticket numbers: %w", err)
		}
		out[n] = true
	}
	return out, nil
}

// Ticket reads ticket prefix-number with its participants.
func (t *Tx) Ticket(prefix string, number int64) (ticket.Ticket, error) {
	return ticketByNumber(t.ctx, t.tx, prefix, number)
}

// CreateTicket stores a new ticket under the next number of prefix's
// sequence and fills in tk's ID, Number and Ref. The number is taken in this
// transaction, so it is never reused and never skipped.
func (t *Tx) CreateTicket(prefix string, tk *ticket.Ticket) error {
	var n int64
	err := t.tx.QueryRowContext(t.ctx, `INSERT INTO ref_sequences (prefix, last) VALUES (?, 1)
		ON CONFLICT (prefix) DO UPDATE SET last = last + 1 RETURNING last`, prefix).Scan(&n)
	if err != nil {
		return fmt.Errorf("next reference number: %w", err)
	}
	fields, err := json.Marshal(tk.Fields)
	if err != nil {
		return fmt.Errorf("encode fields: %w", err)
	}
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO tickets (prefix, number, subject, summary, client, severity,
		priority, status, requester, fields, created_at, updated_at, assignee, resolution, department, category)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		prefix, n, tk.Subject, tk.Summary, tk.Client, tk.Severity, tk.Priority, string(tk.Status), tk.Requester,
		string(fields), ts(tk.CreatedAt), ts(tk.UpdatedAt), tk.Assignee, string(tk.Resolution), tk.Department, tk.Category)
	if err != nil {
		return fmt.Errorf("insert ticket: %w", err)
	}
	if tk.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("insert ticket: %w", err)
	}
	tk.Number, tk.Ref = n, ticket.FormatRef(prefix, n)
	for _, ref := range tk.Linked {
		if err := t.Link(tk.ID, ref, tk.CreatedAt); err != nil {
			return err
		}
	}
	for _, p := range tk.Participants {
		if _, err := t.tx.ExecContext(t.ctx, `INSERT OR IGNORE INTO participants (ticket_id, address, added_at)
			VALUES (?, ?, ?)`, tk.ID, p, ts(tk.CreatedAt)); err != nil {
			return fmt.Errorf("insert participant: %w", err)
		}
	}
	return nil
}

// UpdateTicket writes tk's changeable fields.
func (t *Tx) UpdateTicket(tk ticket.Ticket) error {
	fields, err := json.Marshal(tk.Fields)
	if err != nil {
		return fmt.Errorf("encode fields: %w", err)
	}
	var escalated any
	if tk.Escalated != nil {
		escalated = ts(*tk.Escalated)
	}
	_, err = t.tx.ExecContext(t.ctx, `UPDATE tickets SET summary = ?, client = ?, severity = ?, priority = ?,
		status = ?, fields = ?, updated_at = ?, assignee = ?, resolution = ?, escalated_at = ?,
		escalation_reason = ?, department = ?, category = ? WHERE id = ?`,
		tk.Summary, tk.Client, tk.Severity, tk.Priority, string(tk.Status), string(fields), ts(tk.UpdatedAt),
		tk.Assignee, string(tk.Resolution), escalated, tk.EscalationReason, tk.Department, tk.Category, tk.ID)
	if err != nil {
		return fmt.Errorf("update ticket %s: %w", tk.Ref, err)
	}
	return nil
}

// Link records that ticket ticketID is linked to the ticket ref; linking
// twice changes nothing.
func (t *Tx) Link(ticketID int64, ref string, at time.Time) error {
	if _, err := t.tx.ExecContext(t.ctx, `INSERT OR IGNORE INTO ticket_links (ticket_id, ref, added_at) VALUES (?, ?, ?)`,
		ticketID, ref, ts(at)); err != nil {
		return fmt.Errorf("link ticket to %s: %w", ref, err)
	}
	return nil
}

// AddMessage stores m (and its attachments, bytes included) on ticketID and
// sets m.ID. rawID is the raw mail it came from, 0 for mail we send.
func (t *Tx) AddMessage(ticketID, rawID int64, m *ticket.Message) error {
	var raw any
	if rawID != 0 {
		raw = rawID
	}
	to, _ := json.Marshal(nonNil(m.To))
	cc, _ := json.Marshal(nonNil(m.Cc))
	problems, _ := json.Marshal(nonNil(m.Problems))
	forwarded, _ := json.Marshal(m.Forwarded)
	if m.Forwarded == nil {
		forwarded = []byte("[]")
	}
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO messages (ticket_id, direction, raw_id, message_id, from_addr,
		to_addrs, cc_addrs, subject, text_body, new_text, html_body, problems, forwarded, internal, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ticketID, string(m.Direction), raw, m.MessageID, m.From, string(to), string(cc), m.Subject, m.Text, m.NewText,
		m.HTML, string(problems), string(forwarded), m.Internal, ts(m.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert message: %w", err)
	}
	if m.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("insert message: %w", err)
	}
	for _, a := range m.Attachments {
		if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO attachments (message_id, filename, content_type, size,
			sha256, content_id, inline, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			m.ID, a.Filename, a.ContentType, a.Size, a.SHA256, a.ContentID, a.Inline, nonNilBytes(a.Content)); err != nil {
			return fmt.Errorf("insert attachment %q: %w", a.Filename, err)
		}
	}
	return nil
}

// AddEvents appends evs to ticketID's history; messageID (0 for none) names
// the message that caused them.
func (t *Tx) AddEvents(ticketID, messageID int64, evs []ticket.Event) error {
	var msg any
	if messageID != 0 {
		msg = messageID
	}
	for _, e := range evs {
		if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO events (ticket_id, at, actor, type, from_status, to_status,
			reason, message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			ticketID, ts(e.At), e.Actor, string(e.Type), string(e.From), string(e.To), e.Reason, msg); err != nil {
			return fmt.Errorf("insert event: %w", err)
		}
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilBytes(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
