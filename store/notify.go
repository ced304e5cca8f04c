package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"postdesk/ticket"
)

// Agents returns every user with the agent role, by address.
func (t *Tx) Agents() ([]ticket.User, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT email, name, org, role, lang, department FROM users
		WHERE role = ? ORDER BY email`, string(ticket.RoleAgent))
	if err != nil {
		return nil, fmt.Errorf("list agents: %w", err)
	}
	defer rows.Close()
	var out []ticket.User
	for rows.Next() {
		var u ticket.User
		if err := rows.Scan(&u.Email, &u.Name, &u.Org, &u.Role, &u.Lang, &u.Department); err != nil {
			return nil, fmt.Errorf("list agents: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// ThreadMail is one mail of a ticket that a person wrote or was sent.
type ThreadMail struct {
	MessageID string
	// In is true for the person's own mail, false for ours to them.
	In bool
}

// ThreadOf returns the newest limit mails of ticket id that addr wrote
// (inbound from addr) or was sent (outbound to addr), oldest first: the
// conversation as addr's mail client holds it.
func (t *Tx) ThreadOf(id int64, addr string, limit int) ([]ThreadMail, error) {
	addr = strings.ToLower(addr)
	rows, err := t.tx.QueryContext(t.ctx, `SELECT message_id, direction FROM messages m
		WHERE ticket_id = ? AND message_id <> '' AND (
			(direction = 'in' AND from_addr = ?) OR
			(direction = 'out' AND EXISTS (SELECT 1 FROM json_each(m.to_addrs) WHERE lower(value) = ?)))
		ORDER BY id DESC LIMIT ?`, id, addr, addr, limit)
	if err != nil {
		return nil, fmt.Errorf("thread of %s: %w", addr, err)
	}
	defer rows.Close()
	var out []ThreadMail
	for rows.Next() {
		var m ThreadMail
		var dir string
		if err := rows.Scan(&m.MessageID, &dir); err != nil {
			return nil, fmt.Errorf("thread of %s: %w", addr, err)
		}
		m.In = dir == string(ticket.In)
		out = append(out, m)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, rows.Err()
}

// BucketSpec names a token bucket of automatic mail and its size (see
// ticket.Bucket: Size tokens, refilled over Per).
type BucketSpec struct {
	Key  string
	Size int
	Per  time.Duration
}

// TakeAutoMail takes one token from each bucket at now, all or none: when
// one bucket is empty, no token is taken from any, and refused is the index
// of the first empty one; -1 when the tokens were taken.
func (t *Tx) TakeAutoMail(now time.Time, specs ...BucketSpec) (refused int, err error) {
	taken := make([]ticket.Bucket, len(specs))
	refused = -1
	for i, sp := range specs {
		var b ticket.Bucket
		var at string
		err := t.tx.QueryRowContext(t.ctx, `SELECT tokens, updated_at FROM auto_mail_buckets WHERE key = ?`, sp.Key).
			Scan(&b.Tokens, &at)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return 0, fmt.Errorf("auto mail bucket %s: %w", sp.Key, err)
		default:
			if b.At, err = parseTS(at); err != nil {
				return 0, err
			}
		}
		var ok bool
		if taken[i], ok = b.Take(now, sp.Size, sp.Per); !ok && refused < 0 {
			refused = i
		}
	}
	if refused >= 0 {
		return refused, nil
	}
	for i, sp := range specs {
		if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO auto_mail_buckets (key, tokens, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at`,
			sp.Key, taken[i].Tokens, ts(taken[i].At)); err != nil {
			return 0, fmt.Errorf("auto mail bucket %s: %w", sp.Key, err)
		}
	}
	return -1, nil
}
