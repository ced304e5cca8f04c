package gateway

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"postdesk/store"
	"postdesk/ticket"
)

// LoadPeople writes the users and organisations named in cfg into the
// database, in one transaction; people added while the desk ran stay.
func LoadPeople(ctx context.Context, st *store.Store, cfg Config, deps Deps) error {
	if len(cfg.Users) == 0 && len(cfg.Orgs) == 0 {
		return nil
	}
	now := deps.clock()
	return st.Write(ctx, func(tx *store.Tx) error {
		for _, o := range cfg.Orgs {
			if err := tx.PutOrg(o, now); err != nil {
				return err
			}
		}
		for _, u := range cfg.Users {
			if err := tx.PutUser(u, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// AddUser adds or updates one user after checking it.
func AddUser(ctx context.Context, st *store.Store, deps Deps, u ticket.User) error {
	if u.Role == "" {
		u.Role = ticket.RoleCustomer
	}
	if err := u.Check(); err != nil {
		return err
	}
	return st.Write(ctx, func(tx *store.Tx) error { return tx.PutUser(u, deps.clock()) })
}

// maxPasswordBytes bounds the password ReadPassword takes.
const maxPasswordBytes = 1024

// ReadPassword reads a new password as `postdesk users passwd` takes it on
// stdin: the first line, without its line ending (LF or CRLF). An empty
// password, or one longer than 1024 bytes, is refused.
func ReadPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, maxPasswordBytes+2)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	switch {
	case len(line) > maxPasswordBytes:
		return "", fmt.Errorf("read password: longer than %d bytes", maxPasswordBytes)
	case line == "":
		return "", errors.New("read password: empty; give the new password as one line on stdin")
	}
	return line, nil
}

// SetPassword stores the hash (HashPassword, salted from deps.Rand) of
// password as the credential of the user email, with which they log in to
// the submission listener. The user must exist (postdesk users add); an
// empty password is refused. Only agents and managers can log in, whatever
// is stored for others.
func SetPassword(ctx context.Context, st *store.Store, deps Deps, email, password string) error {
	if password == "" {
		return errors.New("set password: the password is empty")
	}
	// The store refuses an unknown user too; asking first spares the hash.
	if u, err := st.User(ctx, email); err != nil || u == nil {
		if err == nil {
			err = fmt.Errorf("set password: no user %s (add it with `postdesk users add`): %w", email, store.ErrNotFound)
		}
		return err
	}
	hash, err := HashPassword(deps.Rand, password)
	if err != nil {
		return err
	}
	return st.Write(ctx, func(tx *store.Tx) error { return tx.SetPassword(email, hash, deps.clock()) })
}

// AddOrg adds or updates one organisation after checking it.
func AddOrg(ctx context.Context, st *store.Store, deps Deps, o ticket.Org) error {
	if err := o.Check(); err != nil {
		return err
	}
	return st.Write(ctx, func(tx *store.Tx) error { return tx.PutOrg(o, deps.clock()) })
}

// WriteUsers lists the users: a table, or with asJSON a JSON array.
func WriteUsers(ctx context.Context, w io.Writer, st *store.Store, asJSON bool) error {
	users, err := st.Users(ctx)
	if err != nil || asJSON {
		if err != nil {
			return err
		}
		return writeJSON(w, users)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tNAME\tORG\tROLE\tLANG\tDEPARTMENT")
	for _, u := range users {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Email, u.Name, u.Org, u.Role, u.Lang, u.Department)
	}
	return tw.Flush()
}

// WriteOrgs lists the organisations: a table, or with asJSON a JSON array.
func WriteOrgs(ctx context.Context, w io.Writer, st *store.Store, asJSON bool) error {
	orgs, err := st.Orgs(ctx)
	if err != nil || asJSON {
		if err != nil {
			return err
		}
		return writeJSON(w, orgs)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tDOMAINS\tMANAGER")
	for _, o := range orgs {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", o.Name, strings.Join(o.Domains, ", "), o.Manager)
	}
	return tw.Flush()
}
