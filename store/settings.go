package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Setting returns the stored value of name, creating it with create() in the
// same transaction when there is none, so that every process of the desk
// (serve, deliver) agrees on it from the first start on.
func (s *Store) Setting(ctx context.Context, name string, create func() ([]byte, error)) ([]byte, error) {
	var value []byte
	err := s.Write(ctx, func(tx *Tx) error {
		err := tx.tx.QueryRowContext(tx.ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&value)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read setting %s: %w", name, err)
		}
		if value, err = create(); err != nil {
			return fmt.Errorf("make setting %s: %w", name, err)
		}
		_, err = tx.tx.ExecContext(tx.ctx, `INSERT INTO settings (name, value, created_at) VALUES (?, ?, ?)`,
			name, value, ts(s.Now()))
		if err != nil {
			return fmt.Errorf("store setting %s: %w", name, err)
		}
		return nil
	})
	return value, err
}
