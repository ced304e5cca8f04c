package gateway

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"postdesk/templates"
	"postdesk/ticket"
)

// Templates loads the notification templates the desk writes with: the
// shipped ones, the overrides in notify.templates, and the desk's own words
// for states (desk.status_words).
func (c Config) Templates() (*templates.Set, error) {
	set, err := templates.Load(c.Notify.Templates)
	if err != nil {
		return nil, err
	}
	set.SetStatusWords(c.Desk.StatusWords)
	return set, nil
}

// validatePolicy refuses settings that each look valid but cannot work
// together: the desk's words for states, a shipped or own form whose choices
// a desk list would never take, people and organisations named twice or
// pointing at nobody.
func (c Config) validatePolicy(bad func(key, format string, args ...any)) {
	states := make([]string, len(ticket.Statuses))
	for i, s := range ticket.Statuses {
		states[i] = string(s)
	}
	for _, lang := range slices.Sorted(maps.Keys(c.Desk.StatusWords)) {
		key := "desk.status_words." + lang
		if !slices.Contains(ticket.Languages, lang) {
			bad(key, "%q is not a language of the desk; valid: %s", lang, strings.Join(ticket.Languages, ", "))
			continue
		}
		for _, state := range slices.Sorted(maps.Keys(c.Desk.StatusWords[lang])) {
			if !slices.Contains(states, state) {
				bad(key+"."+state, "%q is not a state; valid: %s", state, strings.Join(states, ", "))
			} else if strings.TrimSpace(c.Desk.StatusWords[lang][state]) == "" {
				bad(key+"."+state, "is empty; leave it out to keep the shipped word")
			}
		}
	}
	// A choice field's values are what the form hands the ticket rules;
	// a value the desk's list lacks is only ever kept as a field.
	for _, f := range c.Desk.FormFields() {
		var list []string
		var listKey string
		switch f.Key {
		case "priority", "urgency":
			list, listKey = c.Desk.Priorities, "desk.priorities"
		case "category":
			list, listKey = c.Desk.Categories, "desk.categories"
		case "department":
			list, listKey = c.Desk.Departments, "desk.departments"
		default:
			continue
		}
		if len(list) == 0 || len(f.Choices) == 0 {
			continue
		}
		for _, v := range slices.Sorted(maps.Keys(f.Choices)) {
			if !slices.Contains(list, v) {
				bad(listKey, "lacks %q, a value of the form's %s field: the desk would never take it (the form gives %s)",
					v, f.Key, strings.Join(slices.Sorted(maps.Keys(f.Choices)), ", "))
			}
		}
	}
	orgs := map[string]bool{}
	domains := map[string]string{}
	for i, o := range c.Orgs {
		name := strings.ToLower(strings.TrimSpace(o.Name))
		if orgs[name] {
			bad(fmt.Sprintf("orgs[%d].name", i), "%q is named twice", o.Name)
		}
		orgs[name] = true
		for _, d := range o.Domains {
			d = strings.ToLower(d)
			if other, ok := domains[d]; ok && other != o.Name {
				bad(fmt.Sprintf("orgs[%d].domains", i), "%q already belongs to %q: a domain has one organisation", d, other)
			}
			domains[d] = o.Name
		}
	}
	seen := map[string]bool{}
	for i, u := range c.Users {
		email := strings.ToLower(u.Email)
		if seen[email] {
			bad(fmt.Sprintf("users[%d].email", i), "%q is named twice", u.Email)
		}
		seen[email] = true
		if u.Org != "" && !orgs[strings.ToLower(strings.TrimSpace(u.Org))] && len(c.Orgs) > 0 {
			bad(fmt.Sprintf("users[%d].org", i), "%q is not one of the [[orgs]] (%s)", u.Org, orgNames(c.Orgs))
		}
	}
	if h := c.Desk.RegistrationHelp; h != "" && !isPrintableASCII(h) {
		// RFC 5321 section 4.2: reply text is ASCII unless SMTPUTF8 was
		// negotiated, and the refusal carries this text.
		bad("desk.registration_help", "must be plain ASCII: it is said in the SMTP refusal (RFC 5321 4.2); write \"e\" for \"è\"")
	}
}

// orgNames lists the names of orgs for a message.
func orgNames(orgs []ticket.Org) string {
	names := make([]string, len(orgs))
	for i, o := range orgs {
		names[i] = o.Name
	}
	return strings.Join(names, ", ")
}

func isPrintableASCII(s string) bool {
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			return false
		}
	}
	return true
}

// decodeError turns what the TOML decoder says about path into an error
// naming the file, the line and the key.
func decodeError(path string, err error) error {
	var perr toml.ParseError
	if errors.As(err, &perr) {
		msg := strings.TrimSuffix(perr.Message, ".")
		if perr.LastKey != "" && !strings.Contains(msg, perr.LastKey) {
			msg = perr.LastKey + ": " + msg
		}
		return fmt.Errorf("config %s: line %d: %s", path, perr.Position.Line, msg)
	}
	return fmt.Errorf("config %s: %w", path, err)
}

// unknownKeyError names each key of path that Config does not have, with
// the keys its table does have and, when one is close, the likely one.
func unknownKeyError(path string, keys []toml.Key) error {
	var errs []error
	for _, k := range keys {
		valid := validKeys(reflect.TypeOf(Config{}), k[:len(k)-1])
		if valid == nil {
			// Inside a table of free keys (a map), or below an unknown
			// table already named: only the first unknown level counts.
			continue
		}
		table := "the top level"
		if len(k) > 1 {
			table = "[" + k[:len(k)-1].String() + "]"
		}
		msg := fmt.Sprintf("unknown key %s (valid in %s: %s)", k.String(), table, strings.Join(valid, ", "))
		if near := nearest(k[len(k)-1], valid); near != "" {
			msg = fmt.Sprintf("unknown key %s: did you mean %s? (valid in %s: %s)", k.String(), near, table, strings.Join(valid, ", "))
		}
		errs = append(errs, errors.New(msg))
	}
	if len(errs) == 0 {
		errs = append(errs, fmt.Errorf("unknown key %s", keys[0].String()))
	}
	return fmt.Errorf("config %s: %w", path, errors.Join(errs...))
}

// validKeys are the TOML keys of the table at path in t, or nil when path
// leads to no table of fixed keys.
func validKeys(t reflect.Type, path toml.Key) []string {
	for t.Kind() == reflect.Slice || t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	if len(path) == 0 {
		var keys []string
		for i := range t.NumField() {
			if name, _, _ := strings.Cut(t.Field(i).Tag.Get("toml"), ","); name != "" && name != "-" {
				keys = append(keys, name)
			}
		}
		sort.Strings(keys)
		return keys
	}
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("toml"), ","); name == path[0] {
			return validKeys(t.Field(i).Type, path[1:])
		}
	}
	return nil
}

// nearest is the key of valid at most two edits from key, "" when none is.
func nearest(key string, valid []string) string {
	best, bestD := "", 3
	for _, v := range valid {
		if d := editDistance(key, v); d < bestD {
			best, bestD = v, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// CheckConfigs validates each config file at paths as `serve` would (see
// CheckConfig) and then the desks together, as one host runs them: no two
// may share a reference prefix (their references would name each other's
// tickets), a support address, a database file (compared as absolute
// paths) or a listening port (smtp.listen and smtp.submission_listen; an
// empty or wildcard host takes the port on every address). It writes one
// line per good file; the error names every file and key that is wrong.
func CheckConfigs(w io.Writer, paths []string) error {
	var errs []error
	type desk struct {
		path string
		cfg  Config
	}
	var good []desk
	for _, p := range paths {
		cfg, err := checkConfig(w, p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		good = append(good, desk{p, cfg})
	}
	clash := func(b desk, key, value string, a desk, akey string) {
		errs = append(errs, fmt.Errorf("config %s: %s: %q is also the %s of %s; each desk needs its own",
			b.path, key, value, akey, a.path))
	}
	for i, a := range good {
		for _, b := range good[i+1:] {
			if strings.EqualFold(a.cfg.Desk.Prefix, b.cfg.Desk.Prefix) {
				clash(b, "desk.prefix", b.cfg.Desk.Prefix, a, "desk.prefix")
			}
			if a.cfg.DeskAddress() == b.cfg.DeskAddress() {
				clash(b, "desk.address", b.cfg.DeskAddress(), a, "desk.address")
			}
			if sameFile(a.cfg.Database.Path, b.cfg.Database.Path) {
				clash(b, "database.path", b.cfg.Database.Path, a, "database.path")
			}
			for _, bl := range listeners(b.cfg) {
				for _, al := range listeners(a.cfg) {
					if samePort(al.addr, bl.addr) {
						clash(b, bl.key, bl.addr, a, al.key)
					}
				}
			}
		}
	}
	return errors.Join(errs...)
}

type listener struct{ key, addr string }

// listeners are the addresses a desk listens on, by key.
func listeners(c Config) []listener {
	out := []listener{{"smtp.listen", c.SMTP.Listen}}
	if c.SMTP.SubmissionListen != "" {
		out = append(out, listener{"smtp.submission_listen", c.SMTP.SubmissionListen})
	}
	return out
}

// samePort reports whether two HOST:PORT listeners would take the same
// port: same port, and the same host or a wildcard on either side.
func samePort(a, b string) bool {
	ah, ap, aerr := net.SplitHostPort(a)
	bh, bp, berr := net.SplitHostPort(b)
	if aerr != nil || berr != nil || ap != bp {
		return false
	}
	wild := func(h string) bool { return h == "" || h == "0.0.0.0" || h == "::" }
	return wild(ah) || wild(bh) || strings.EqualFold(ah, bh)
}

// sameFile reports whether two database paths name one file, as absolute
// paths from the current folder.
func sameFile(a, b string) bool {
	aa, aerr := filepath.Abs(a)
	ba, berr := filepath.Abs(b)
	if aerr != nil || berr != nil {
		return a == b
	}
	return aa == ba
}
