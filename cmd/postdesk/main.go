// Command postdesk is the email-first help desk: `postdesk serve` runs the
// SMTP gateway; the other subcommands read and manage the same database while
// it runs. It parses flags and calls package gateway; it holds no logic.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // calendars name IANA zones; the binary carries them

	"postdesk/gateway"
	"postdesk/store"
	"postdesk/ticket"
)

const usage = `usage: postdesk <command> [flags]

commands:
  serve                  run the desk: SMTP in, outbox out
  deliver                take one mail on stdin (for an MTA pipe) and exit
  tickets                list tickets
  show REF               show one ticket with its messages and history
  outbox [show|retry ID] list outbound mail that is pending or failed; one mail's attempts; send a failed one again
  outbox bounced         addresses that hard-bounced, and until when mail to them is suspended
  parse FILE...          show what the parser makes of mail files (as the --config desk would); exits 1 if any failed
  set REF                change a ticket: --status, --assign, --resolution, --note
  check-config FILE...   validate config files (the desks of one host) without starting anything
  users add EMAIL | list  known people: --name, --org, --role customer|agent|manager, --lang, --department
  users passwd EMAIL     set the submission (SMTP AUTH) password of an agent; reads one line on stdin
  orgs add NAME | list    customer organisations: --domain D (repeatable), --manager EMAIL

Every command takes --config FILE and --db PATH; "postdesk <command> -h" lists its flags.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1], os.Args[2:], os.Stdin, os.Stdout)
	var ec exitCode
	switch {
	case err == nil:
	case errors.As(err, &ec):
		fmt.Fprintln(os.Stderr, "postdesk:", ec.err)
		os.Exit(ec.code)
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	default:
		fmt.Fprintln(os.Stderr, "postdesk:", err)
		os.Exit(1)
	}
}

// exitCode carries a sysexits(3) status for MTAs that read it.
type exitCode struct {
	code int
	err  error
}

func (e exitCode) Error() string { return e.err.Error() }

func deps() gateway.Deps {
	return gateway.Deps{Now: time.Now, Rand: rand.Reader, LookupTXT: net.DefaultResolver.LookupTXT,
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))}
}

// common are the flags every command takes.
type common struct {
	config string
	over   gateway.Overrides
}

func newFlags(name string, c *common) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.StringVar(&c.config, "config", "", "TOML config `FILE` (default: built-in defaults)")
	fs.StringVar(&c.over.DB, "db", "", "SQLite database `PATH` (default ./postdesk.db)")
	return fs
}

func (c *common) load() (gateway.Config, error) {
	cfg, err := gateway.LoadConfig(c.config)
	if err != nil {
		return cfg, err
	}
	return cfg, c.over.Apply(&cfg)
}

func run(ctx context.Context, cmd string, args []string, stdin io.Reader, stdout io.Writer) error {
	var c common
	fs := newFlags(cmd, &c)
	switch cmd {
	case "serve":
		fs.StringVar(&c.over.Listen, "listen", "", "SMTP listen `ADDR` (default 127.0.0.1:2525)")
		fs.StringVar(&c.over.Relay, "relay", "", "outbound relay `HOST:PORT` (default: none, mail waits in the outbox)")
		fs.StringVar(&c.over.Domain, "domain", "", "the desk's mail domain `NAME` (support@NAME; default localhost)")
		if err := fs.Parse(args); err != nil {
			return err
		}
		cfg, err := c.load()
		if err != nil {
			return err
		}
		return gateway.Serve(ctx, cfg, deps())
	case "deliver":
		var env gateway.Envelope
		fs.StringVar(&env.MailFrom, "from", "", "envelope sender `ADDR` (empty for the null return path)")
		rcpt := fs.String("to", "", "envelope recipient `ADDR` (default the desk address)")
		if err := fs.Parse(args); err != nil {
			return err
		}
		cfg, err := c.load()
		if err != nil {
			return err
		}
		d := deps()
		out, err := gateway.DeliverOne(ctx, cfg, d, env, *rcpt, stdin)
		if err != nil {
			code, text := gateway.DeliverStatus(d.Log, err)
			return exitCode{code: code, err: errors.New(text)}
		}
		fmt.Fprintln(stdout, out.Ref)
		return nil
	case "tickets":
		var q gateway.TicketQuery
		fs.StringVar(&q.Status, "status", "", "only tickets in `STATUS` (new, in_progress, closed, …)")
		fs.BoolVar(&q.Breached, "breached", false, "only tickets past their SLA target")
		fs.DurationVar(&q.DueWithin, "due-within", 0, "only tickets whose SLA target falls due within `DURATION` (e.g. 2h)")
		fs.BoolVar(&q.JSON, "json", false, "print JSON")
		if err := fs.Parse(args); err != nil {
			return err
		}
		return withStore(ctx, &c, readOnly, func(cfg gateway.Config, st *store.Store) error {
			return gateway.WriteTickets(ctx, stdout, st, cfg, deps(), q)
		})
	case "show":
		asJSON := fs.Bool("json", false, "print JSON")
		pos, err := parseArgs(fs, args)
		if err != nil {
			return err
		}
		ref := ""
		if len(pos) == 1 {
			ref = pos[0]
		}
		if ref == "" {
			return fmt.Errorf("show takes one reference, like TKT-12")
		}
		return withStore(ctx, &c, readOnly, func(cfg gateway.Config, st *store.Store) error {
			return gateway.WriteTicket(ctx, stdout, st, cfg, deps(), ref, *asJSON)
		})
	case "outbox":
		all := fs.Bool("all", false, "list sent mail too")
		as := fs.String("as", "operator", "who asks for the retry (recorded with the attempt)")
		pos, err := parseArgs(fs, args)
		if err != nil {
			return err
		}
		mode := readOnly
		if len(pos) > 0 && pos[0] == "retry" {
			mode = writeExisting
		}
		return withStore(ctx, &c, mode, func(cfg gateway.Config, st *store.Store) error {
			switch {
			case len(pos) == 0:
				return gateway.WriteOutbox(ctx, stdout, st, *all)
			case len(pos) == 2 && pos[0] == "show":
				return gateway.WriteOutboxMail(ctx, stdout, st, pos[1])
			case len(pos) == 2 && pos[0] == "retry":
				return gateway.RetryOutbox(ctx, stdout, st, deps(), pos[1], *as)
			case len(pos) == 1 && pos[0] == "bounced":
				return gateway.WriteSuppressions(ctx, stdout, st, deps())
			}
			return fmt.Errorf("usage: postdesk outbox [--all] | outbox show ID | outbox retry ID | outbox bounced")
		})
	case "parse":
		asJSON := fs.Bool("json", false, "print one JSON object per file (JSON Lines)")
		files, err := parseArgs(fs, args)
		if err != nil {
			return err
		}
		if len(files) == 0 {
			return fmt.Errorf("parse takes one or more mail files")
		}
		cfg, err := c.load()
		if err != nil {
			return err
		}
		return gateway.WriteParse(stdout, cfg, files, *asJSON)
	case "set":
		var req gateway.SetRequest
		status := fs.String("status", "", "new `STATUS` (new, assigned, in_progress, waiting_customer, dev_request, resolved, closed, cancelled)")
		fs.StringVar(&req.Change.Assignee, "assign", "", "assign to agent `EMAIL` (\"-\" unassigns)")
		resolution := fs.String("resolution", "", "`RESOLUTION` of a resolved or closed ticket (fixed, duplicate, quote_required, ...)")
		fs.StringVar(&req.Change.Note, "note", "", "an internal note for the history")
		fs.StringVar(&req.Change.Actor, "as", "operator", "who makes the change (an agent's address)")
		pos, err := parseArgs(fs, args)
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return fmt.Errorf("set takes one reference, like TKT-12")
		}
		req.Ref = pos[0]
		if *status != "" {
			if req.Change.Status, err = ticket.ParseStatus(*status); err != nil {
				return fmt.Errorf("--status: %w", err)
			}
		}
		if *resolution != "" {
			if req.Change.Resolution, err = ticket.ParseResolution(*resolution); err != nil {
				return fmt.Errorf("--resolution: %w", err)
			}
		}
		return withStore(ctx, &c, writeExisting, func(cfg gateway.Config, st *store.Store) error {
			return gateway.AdminSet(ctx, stdout, st, cfg, deps(), req)
		})
	case "check-config":
		pos, err := parseArgs(fs, args)
		if err != nil {
			return err
		}
		if len(pos) == 0 {
			return fmt.Errorf("check-config takes one or more config files")
		}
		return gateway.CheckConfigs(stdout, pos)
	case "users":
		var u ticket.User
		fs.StringVar(&u.Name, "name", "", "the person's `NAME`")
		fs.StringVar(&u.Org, "org", "", "their organisation's `NAME`")
		role := fs.String("role", "customer", "`ROLE`: customer, agent or manager")
		fs.StringVar(&u.Lang, "lang", "", "`LANG` of their mail: en, de, it, nl")
		fs.StringVar(&u.Department, "department", "", "an agent's `DEPARTMENT`: its tickets tell them")
		asJSON := fs.Bool("json", false, "print JSON (list)")
		pos, err := parseArgs(fs, args)
		if err != nil {
			return err
		}
		u.Role = ticket.Role(*role)
		return withStore(ctx, &c, modeFor(pos), func(cfg gateway.Config, st *store.Store) error {
			switch {
			case len(pos) == 2 && pos[0] == "add":
				u.Email = pos[1]
				return gateway.AddUser(ctx, st, deps(), u)
			case len(pos) == 1 && pos[0] == "list":
				return gateway.WriteUsers(ctx, stdout, st, cfg, *asJSON)
			case len(pos) == 2 && pos[0] == "passwd":
				password, err := gateway.ReadPassword(stdin)
				if err != nil {
					return err
				}
				return gateway.SetPassword(ctx, st, deps(), pos[1], password)
			}
			return fmt.Errorf("usage: postdesk users add EMAIL [--name N] [--org O] [--role R] [--lang L] [--department D] | users list [--json] | users passwd EMAIL < password")
		})
	case "orgs":
		var o ticket.Org
		fs.Func("domain", "a mail `DOMAIN` of the organisation (repeatable)", func(d string) error {
			o.Domains = append(o.Domains, d)
			return nil
		})
		fs.StringVar(&o.Manager, "manager", "", "its account or project manager's `EMAIL`")
		asJSON := fs.Bool("json", false, "print JSON (list)")
		pos, err := parseArgs(fs, args)
		if err != nil {
			return err
		}
		return withStore(ctx, &c, modeFor(pos), func(cfg gateway.Config, st *store.Store) error {
			switch {
			case len(pos) == 2 && pos[0] == "add":
				o.Name = pos[1]
				return gateway.AddOrg(ctx, st, deps(), o)
			case len(pos) == 1 && pos[0] == "list":
				return gateway.WriteOrgs(ctx, stdout, st, cfg, *asJSON)
			}
			return fmt.Errorf("usage: postdesk orgs add NAME --domain D [--domain D2] [--manager EMAIL] | orgs list [--json]")
		})
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n\n%s", cmd, usage)
}

// How an admin command opens the database.
type openMode int

const (
	readOnly      openMode = iota // the file must exist; nothing is written (gateway.OpenReader)
	writeExisting                 // the file must exist (gateway.OpenAdmin)
	writeCreate                   // created when missing: steps that come before the first serve
)

// modeFor is the open mode of users and orgs: list reads; add may come
// before the first serve; anything else (passwd) needs the database.
func modeFor(pos []string) openMode {
	switch {
	case len(pos) > 0 && pos[0] == "list":
		return readOnly
	case len(pos) > 0 && pos[0] == "add":
		return writeCreate
	}
	return writeExisting
}

func withStore(ctx context.Context, c *common, mode openMode, fn func(gateway.Config, *store.Store) error) error {
	cfg, err := c.load()
	if err != nil {
		return err
	}
	var st *store.Store
	if mode == readOnly {
		st, err = gateway.OpenReader(ctx, cfg, deps())
	} else {
		st, err = gateway.OpenAdmin(ctx, cfg, deps(), mode == writeCreate)
	}
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(cfg, st)
}

// parseArgs parses flags that may stand before, between or after the
// positional arguments ("show TKT-1 --json", "parse a.eml --json b.eml").
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
