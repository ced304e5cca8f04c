package gateway

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
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

// AddUser adds or updates one user after checking it. An organisation it
// names must be known to the desk (added with AddOrg or from the config's
// [[orgs]]); otherwise nothing is written and the error lists the known ones.
func AddUser(ctx context.Context, st *store.Store, deps Deps, u ticket.User) error {
	if u.Role == "" {
		u.Role = ticket.RoleCustomer
	}
	if err := u.Check(); err != nil {
		return err
	}
	return st.Write(ctx, func(tx *store.Tx) error {
		if u.Org != "" {
			o, err := tx.Org(u.Org)
			if err != nil {
				return err
			}
			if o == nil {
				return fmt.Errorf("org %q is not known to this desk (%s): add it first with "+
					"`postdesk orgs add` or in the config's [[orgs]]", u.Org, knownOrgs(ctx, st))
			}
		}
		return tx.PutUser(u, deps.clock())
	})
}

// knownOrgs names the organisations the desk knows, for an error message.
func knownOrgs(ctx context.Context, st *store.Store) string {
	orgs, err := st.Orgs(ctx)
	if err != nil || len(orgs) == 0 {
		return "it knows none"
	}
	names := make([]string, len(orgs))
	for i, o := range orgs {
		names[i] = o.Name
	}
	return "known: " + strings.Join(names, ", ")
}

// CheckAssignee refuses an assignee (as `postdesk set --assign` names one)
// who is not an agent or manager of the desk; "" (no change) and "-"
// (unassign) pass.
func CheckAssignee(ctx context.Context, st *store.Store, email string) error {
	if email == "" || email == "-" {
		return nil
	}
	staff, err := st.Staff(ctx)
	if err != nil {
		return err
	}
	if staff[strings.ToLower(strings.TrimSpace(email))] {
		return nil
	}
	names := slices.Sorted(maps.Keys(staff))
	known := "it has none"
	if len(names) > 0 {
		known = "staff: " + strings.Join(names, ", ")
	}
	return fmt.Errorf("--assign %s: not an agent or manager of this desk (%s); add one with "+
		"`postdesk users add EMAIL --role agent` or in the config's [[users]]", email, known)
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

// AddOrg adds or updates one organisation after checking it; it needs at
// least one mail domain, by which the desk knows its people.
func AddOrg(ctx context.Context, st *store.Store, deps Deps, o ticket.Org) error {
	if err := o.Check(); err != nil {
		return err
	}
	if len(o.Domains) == 0 {
		return fmt.Errorf("org %s: give at least one --domain (the mail domain of its people)", o.Name)
	}
	return st.Write(ctx, func(tx *store.Tx) error { return tx.PutOrg(o, deps.clock()) })
}

// WriteUsers lists the users: a table, or with asJSON a JSON array. They are
// the database's users with the config's [[users]] over them, as the desk
// has them once serve or deliver (which load the config) runs with cfg.
func WriteUsers(ctx context.Context, w io.Writer, st *store.Store, cfg Config, asJSON bool) error {
	users, err := st.Users(ctx)
	if err != nil {
		return err
	}
	users = withConfigUsers(users, cfg.Users)
	if asJSON {
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
// Like WriteUsers it shows the config's [[orgs]] over the database's.
func WriteOrgs(ctx context.Context, w io.Writer, st *store.Store, cfg Config, asJSON bool) error {
	orgs, err := st.Orgs(ctx)
	if err != nil {
		return err
	}
	orgs = withConfigOrgs(orgs, cfg.Orgs)
	if asJSON {
		return writeJSON(w, orgs)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tDOMAINS\tMANAGER")
	for _, o := range orgs {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", o.Name, strings.Join(o.Domains, ", "), o.Manager)
	}
	return tw.Flush()
}

// withConfigUsers is stored with the config's users put over it as
// LoadPeople puts them (same address: the config's fields), by address.
func withConfigUsers(stored, cfg []ticket.User) []ticket.User {
	byEmail := map[string]int{}
	out := slices.Clone(stored)
	for i, u := range out {
		byEmail[u.Email] = i
	}
	for _, u := range cfg {
		u.Email = strings.ToLower(u.Email)
		if i, ok := byEmail[u.Email]; ok {
			out[i] = u
			continue
		}
		byEmail[u.Email] = len(out)
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b ticket.User) int { return strings.Compare(a.Email, b.Email) })
	return out
}

// withConfigOrgs is stored with the config's organisations put over it as
// LoadPeople puts them: same name, the config's manager and domains; a
// domain the config gives one organisation leaves any other. By name.
func withConfigOrgs(stored, cfg []ticket.Org) []ticket.Org {
	if len(cfg) == 0 {
		return stored
	}
	taken := map[string]bool{}
	byName := map[string]ticket.Org{}
	for _, o := range cfg {
		o.Manager = strings.ToLower(o.Manager)
		doms := []string{}
		for _, d := range o.Domains {
			d = strings.ToLower(d)
			taken[d] = true
			doms = append(doms, d)
		}
		slices.Sort(doms)
		o.Domains = doms
		byName[o.Name] = o
	}
	for _, o := range stored {
		if _, ok := byName[o.Name]; ok {
			continue
		}
		o.Domains = slices.DeleteFunc(slices.Clone(o.Domains), func(d string) bool { return taken[d] })
		byName[o.Name] = o
	}
	out := slices.Collect(maps.Values(byName))
	slices.SortFunc(out, func(a, b ticket.Org) int { return strings.Compare(a.Name, b.Name) })
	return out
}
