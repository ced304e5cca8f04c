package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// SetPassword stores hash (a self-describing password hash; the store never
// sees a password) as the credential of the user with that address,
// replacing any earlier one. An address the desk knows no user for is
// refused with an error wrapping ErrNotFound, and nothing is written.
func (t *Tx) SetPassword(email, hash string, now time.Time) error {
	email = strings.ToLower(strings.TrimSpace(email))
	var one int
	err := t.tx.QueryRowContext(t.ctx, `SELECT 1 FROM users WHERE email = ?`, email).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("set password: no user %s: %w", email, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("set password %s: %w", email, err)
	}
	if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO credentials (email, hash, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (email) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at`,
		email, hash, ts(now)); err != nil {
		return fmt.Errorf("set password %s: %w", email, err)
	}
	return nil
}

// PasswordHash returns the stored password hash of the user with that
// address (compared without regard to case), read from the read pool;
// found is false when the user has none or the desk knows no such user.
func (s *Store) PasswordHash(ctx context.Context, email string) (hash string, found bool, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT hash FROM credentials WHERE email = ?`,
		strings.ToLower(strings.TrimSpace(email))).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("look up password: %w", err)
	}
	return hash, true, nil
}
