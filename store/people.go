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

// PutUser adds u or replaces the known fields of the user with its address.
func (t *Tx) PutUser(u ticket.User, now time.Time) error {
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO users (email, name, org, role, lang, department, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (email) DO UPDATE SET name = excluded.name, org = excluded.org,
		role = excluded.role, lang = excluded.lang, department = excluded.department
		WHERE (name, org, role, lang, department) IS NOT
			(excluded.name, excluded.org, excluded.role, excluded.lang, excluded.department)`,
		strings.ToLower(u.Email), u.Name, u.Org, string(u.Role), u.Lang, u.Department, ts(now))
	if err != nil {
		return fmt.Errorf("put user %s: %w", u.Email, err)
	}
	return nil
}

// PutOrg adds o or replaces its manager and domains. A domain of another
// organisation moves to this one. What already is as o says is not written
// again, so loading an unchanged config (every `postdesk deliver`) changes
// no row.
func (t *Tx) PutOrg(o ticket.Org, now time.Time) error {
	if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO orgs (name, manager, created_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET manager = excluded.manager WHERE manager IS NOT excluded.manager`,
		o.Name, strings.ToLower(o.Manager), ts(now)); err != nil {
		return fmt.Errorf("put org %s: %w", o.Name, err)
	}
	domains := make([]string, len(o.Domains))
	for i, d := range o.Domains {
		domains[i] = strings.ToLower(d)
	}
	list, err := json.Marshal(domains)
	if err != nil {
		return fmt.Errorf("put org %s domains: %w", o.Name, err)
	}
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM org_domains WHERE org = ?
		AND domain NOT IN (SELECT value FROM json_each(?))`, o.Name, string(list)); err != nil {
		return fmt.Errorf("put org %s domains: %w", o.Name, err)
	}
	for _, d := range domains {
		if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO org_domains (domain, org) VALUES (?, ?)
			ON CONFLICT (domain) DO UPDATE SET org = excluded.org WHERE org IS NOT excluded.org`, d, o.Name); err != nil {
			return fmt.Errorf("put org %s domain %s: %w", o.Name, d, err)
		}
	}
	return nil
}

// User returns the user with that address; nil when the desk knows none.
func (t *Tx) User(email string) (*ticket.User, error) {
	var u ticket.User
	err := t.tx.QueryRowContext(t.ctx, `SELECT email, name, org, role, lang, department FROM users WHERE email = ?`,
		strings.ToLower(email)).Scan(&u.Email, &u.Name, &u.Org, &u.Role, &u.Lang, &u.Department)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("look up user: %w", err)
	}
	return &u, nil
}

// User returns the user with that address, read from the read pool; nil
// when the desk knows none.
func (s *Store) User(ctx context.Context, email string) (*ticket.User, error) {
	var u ticket.User
	err := s.r.QueryRowContext(ctx, `SELECT email, name, org, role, lang, department FROM users WHERE email = ?`,
		strings.ToLower(strings.TrimSpace(email))).Scan(&u.Email, &u.Name, &u.Org, &u.Role, &u.Lang, &u.Department)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("look up user: %w", err)
	}
	return &u, nil
}

// OrgByDomain returns the organisation a mail domain belongs to; nil when none.
func (t *Tx) OrgByDomain(domain string) (*ticket.Org, error) {
	var name string
	err := t.tx.QueryRowContext(t.ctx, `SELECT org FROM org_domains WHERE domain = ?`, strings.ToLower(domain)).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("look up org domain: %w", err)
	}
	return t.Org(name)
}

// Users lists the users the desk knows, by address.
func (s *Store) Users(ctx context.Context) ([]ticket.User, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT email, name, org, role, lang, department FROM users ORDER BY email`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	out := []ticket.User{}
	for rows.Next() {
		var u ticket.User
		if err := rows.Scan(&u.Email, &u.Name, &u.Org, &u.Role, &u.Lang, &u.Department); err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Orgs lists the organisations the desk knows, by name, with their domains.
func (s *Store) Orgs(ctx context.Context) ([]ticket.Org, error) { return orgs(ctx, s.r, "") }

// orgs reads one organisation by name, or all when name is "".
func orgs(ctx context.Context, q queryer, name string) ([]ticket.Org, error) {
	rows, err := q.QueryContext(ctx, `SELECT o.name, o.manager, coalesce(d.domain, '') FROM orgs o
		LEFT JOIN org_domains d ON d.org = o.name WHERE ? = '' OR o.name = ? ORDER BY o.name, d.domain`, name, name)
	if err != nil {
		return nil, fmt.Errorf("list orgs: %w", err)
	}
	defer rows.Close()
	out := []ticket.Org{}
	for rows.Next() {
		var o ticket.Org
		var domain string
		if err := rows.Scan(&o.Name, &o.Manager, &domain); err != nil {
			return nil, fmt.Errorf("list orgs: %w", err)
		}
		if n := len(out); n > 0 && out[n-1].Name == o.Name {
			out[n-1].Domains = append(out[n-1].Domains, domain)
			continue
		}
		o.Domains = []string{}
		if domain != "" {
			o.Domains = append(o.Domains, domain)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Org returns the organisation with that name; nil when none.
func (t *Tx) Org(name string) (*ticket.Org, error) {
	if name == "" {
		return nil, nil
	}
	list, err := orgs(t.ctx, t.tx, name)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return &list[0], nil
}
