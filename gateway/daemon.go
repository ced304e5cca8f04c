// Package gateway wires the protocols to the pipeline: the inbound SMTP
// server, the pipeline that takes a mail to a committed ticket change, the
// outbox worker that sends through the relay, and the admin views. It holds
// no ticket rules (those are in package ticket) and no SQL (package store).
package gateway

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-smtp"

	"postdesk/store"
)

// Daemon is a running desk: the SMTP server, the submission server when
// configured, the pipeline and, when a relay is configured, the outbox worker.
type Daemon struct {
	Store      *store.Store
	Pipeline   *Pipeline
	smtp       *smtp.Server
	submission *smtp.Server  // nil without smtp.submission_listen
	outbox     *OutboxWorker // nil without a relay
	timers     *TimerLoop
	ln         net.Listener
	subLn      net.Listener // nil without smtp.submission_listen
	cancel     context.CancelFunc
	wg         sync.WaitGroup
	deps       Deps
}

// OpenStore opens the database named in cfg with the deps' clock.
func OpenStore(ctx context.Context, cfg Config, deps Deps) (*store.Store, error) {
	return store.Open(ctx, cfg.Database.Path, store.Options{Synchronous: cfg.Database.Synchronous, Now: deps.Now})
}

// OpenReader opens the existing database named in cfg for reading only
// (store.OpenReader): no file is created, no migration runs, and a desk
// running on the file is not disturbed. The admin views use it.
func OpenReader(ctx context.Context, cfg Config, deps Deps) (*store.Store, error) {
	return store.OpenReader(ctx, cfg.Database.Path, store.Options{Now: deps.Now})
}

// OpenAdmin opens the database named in cfg for an admin command that
// writes, and loads the config's users and organisations into it (as serve
// and deliver do), so that the command sees the people the desk knows. With
// create false a missing database file is refused (store.RequireFile)
// instead of created: only commands that make sense before the first
// `serve` (users add, orgs add) pass true.
func OpenAdmin(ctx context.Context, cfg Config, deps Deps, create bool) (*store.Store, error) {
	if !create {
		if err := store.RequireFile(cfg.Database.Path); err != nil {
			return nil, err
		}
	}
	st, err := OpenStore(ctx, cfg, deps)
	if err != nil {
		return nil, err
	}
	if err := LoadPeople(ctx, st, cfg, deps); err != nil {
		st.Close()
		return nil, fmt.Errorf("load users and orgs: %w", err)
	}
	return st, nil
}

// Listeners are sockets the daemon serves on instead of opening its own,
// such as tests' 127.0.0.1:0 listeners. A nil field means "listen on the
// configured address".
type Listeners struct {
	// SMTP replaces listening on smtp.listen.
	SMTP net.Listener
	// Submission replaces listening on smtp.submission_listen; it is refused
	// when that key is not set (the key also turns on the TLS it needs).
	Submission net.Listener
}

// Start opens the store, listens on ln (or on cfg.SMTP.Listen when ln is
// nil) and serves until Close; it is StartWith with Listeners{SMTP: ln}.
func Start(ctx context.Context, cfg Config, deps Deps, ln net.Listener) (*Daemon, error) {
	return StartWith(ctx, cfg, deps, Listeners{SMTP: ln})
}

// StartWith opens the store, serves the public listener and, when
// cfg.SMTP.SubmissionListen is set, the submission listener with STARTTLS
// from smtp.tls_cert and smtp.tls_key (a certificate that does not load is
// a start error naming the key), until Close. Listeners it opened itself are
// closed again when it fails.
func StartWith(ctx context.Context, cfg Config, deps Deps, ls Listeners) (*Daemon, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if ls.Submission != nil && cfg.SMTP.SubmissionListen == "" {
		return nil, errors.New("smtp.submission_listen: not set, but a submission listener was given")
	}
	tmpl, err := cfg.Templates()
	if err != nil {
		return nil, err
	}
	var tlsConfig *tls.Config
	if cfg.SMTP.SubmissionListen != "" {
		if tlsConfig, err = submissionTLS(cfg.SMTP); err != nil {
			return nil, err
		}
	}
	st, err := OpenStore(ctx, cfg, deps)
	if err != nil {
		return nil, err
	}
	var opened []io.Closer // what to undo when starting fails
	fail := func(err error) (*Daemon, error) {
		for _, c := range opened {
			c.Close()
		}
		st.Close()
		return nil, err
	}
	if err := LoadPeople(ctx, st, cfg, deps); err != nil {
		return fail(fmt.Errorf("load users and orgs: %w", err))
	}
	secret, err := ReplySecret(ctx, st, cfg, deps)
	if err != nil {
		return fail(err)
	}
	if ls.SMTP == nil {
		if ls.SMTP, err = net.Listen("tcp", cfg.SMTP.Listen); err != nil {
			return fail(fmt.Errorf("listen smtp: %w", err))
		}
		opened = append(opened, ls.SMTP)
	}
	if tlsConfig != nil && ls.Submission == nil {
		if ls.Submission, err = net.Listen("tcp", cfg.SMTP.SubmissionListen); err != nil {
			return fail(fmt.Errorf("listen submission: %w", err))
		}
		opened = append(opened, ls.Submission)
	}
	// The rules count from this start on, before any mail is taken, not
	// from whenever the timer loop's first pass gets to run.
	since, err := RulesSince(ctx, st, cfg, deps)
	if err != nil {
		return fail(err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	d := &Daemon{Store: st, ln: ls.SMTP, subLn: ls.Submission, cancel: cancel, deps: deps}
	var kick func()
	if cfg.Relay.Host != "" {
		w := NewOutboxWorker(st, NewRelaySender(cfg, secret), cfg.Outbox, deps)
		d.outbox, kick = w, w.Kick
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			_ = w.Run(runCtx)
		}()
	} else {
		deps.Log.Warn("no relay configured: outbound mail stays in the outbox (see `postdesk outbox`)")
	}
	d.Pipeline = NewPipeline(cfg, st, tmpl, deps, secret, kick)
	d.timers = NewTimerLoop(d.Pipeline, since)
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		d.timers.Run(runCtx)
	}()
	d.smtp = NewSMTPServer(cfg, d.Pipeline, deps.Log)
	d.serve(d.smtp, ls.SMTP, "smtp server stopped")
	if ls.Submission != nil {
		d.submission = NewSubmissionServer(cfg, d.Pipeline, st, deps.Log, tlsConfig)
		d.serve(d.submission, ls.Submission, "submission server stopped")
		deps.Log.Info("postdesk submission listening", "addr", ls.Submission.Addr().String())
	}
	deps.Log.Info("postdesk listening", "addr", ls.SMTP.Addr().String(), "desk", cfg.DeskAddress(),
		"db", cfg.Database.Path, "relay", cfg.Relay.Host)
	return d, nil
}

// serve runs s on ln until Close.
func (d *Daemon) serve(s *smtp.Server, ln net.Listener, stopped string) {
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		if err := s.Serve(ln); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			d.deps.Log.Error(stopped, "err", err)
		}
	}()
}

// submissionTLS is the server side of STARTTLS (RFC 3207) on the submission
// listener: the PEM certificate and key of the config, TLS 1.2 or later
// (RFC 8996 retires the older versions).
func submissionTLS(c SMTPConfig) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(c.TLSCert, c.TLSKey)
	if err != nil {
		return nil, fmt.Errorf("smtp.tls_cert: load certificate %q with key %q (smtp.tls_key): %w", c.TLSCert, c.TLSKey, err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// Addr is the address the SMTP server listens on.
func (d *Daemon) Addr() string { return d.ln.Addr().String() }

// SubmissionAddr is the address the submission server listens on; "" when
// it is off.
func (d *Daemon) SubmissionAddr() string {
	if d.subLn == nil {
		return ""
	}
	return d.subLn.Addr().String()
}

// Close stops taking mail on both listeners, lets sessions in DATA finish
// their commit, stops the outbox worker and the timer loop and closes the
// database.
func (d *Daemon) Close(ctx context.Context) error {
	err := d.smtp.Shutdown(ctx)
	if d.submission != nil {
		err = errors.Join(err, d.submission.Shutdown(ctx))
	}
	// Shutdown closes only the listeners Serve has registered; one whose
	// goroutine has not got that far yet (Close right after Start) would
	// accept forever, so close them here too (a second Close is harmless).
	d.ln.Close()
	if d.subLn != nil {
		d.subLn.Close()
	}
	d.cancel()
	d.wg.Wait()
	return errors.Join(err, d.Store.Close())
}

// Serve runs the desk until ctx is done, then shuts down cleanly.
func Serve(ctx context.Context, cfg Config, deps Deps) error {
	d, err := Start(ctx, cfg, deps, nil)
	if err != nil {
		return err
	}
	<-ctx.Done()
	deps.Log.Info("postdesk stopping")
	stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return d.Close(stopCtx)
}

// DeliverOne takes one mail from r through the pipeline, as an MTA's pipe
// transport would hand it over, and returns what became of it. rcpt defaults
// to the desk address. Like serve it creates and migrates the database when
// needed and loads the config's users and organisations first.
func DeliverOne(ctx context.Context, cfg Config, deps Deps, env Envelope, rcpt string, r io.Reader) (Outcome, error) {
	if rcpt == "" {
		rcpt = cfg.DeskAddress()
	}
	env.RcptTo = []string{rcpt}
	raw, err := io.ReadAll(io.LimitReader(r, cfg.SMTP.MaxMessageBytes+1))
	if err != nil {
		return Outcome{}, fmt.Errorf("read mail: %w", err)
	}
	if int64(len(raw)) > cfg.SMTP.MaxMessageBytes {
		return Outcome{}, errTooBig{limit: cfg.SMTP.MaxMessageBytes}
	}
	tmpl, err := cfg.Templates()
	if err != nil {
		return Outcome{}, err
	}
	st, err := OpenStore(ctx, cfg, deps)
	if err != nil {
		return Outcome{}, err
	}
	defer st.Close()
	// Each delivery is its own process: the config's users and orgs decide
	// who may open a ticket here just as they do under serve.
	if err := LoadPeople(ctx, st, cfg, deps); err != nil {
		return Outcome{}, fmt.Errorf("load users and orgs: %w", err)
	}
	secret, err := ReplySecret(ctx, st, cfg, deps)
	if err != nil {
		return Outcome{}, err
	}
	p := NewPipeline(cfg, st, tmpl, deps, secret, nil)
	if !p.Takes(rcpt) {
		return Outcome{}, errNoSuchMailbox{rcpt: rcpt, desk: cfg.DeskAddress()}
	}
	return p.Deliver(ctx, env, raw)
}

// ReplySecret is the key of the reply tokens: desk.reply_secret, else the one
// generated into the database on first start (32 random bytes), shared by
// every process of the desk.
func ReplySecret(ctx context.Context, st *store.Store, cfg Config, deps Deps) ([]byte, error) {
	if cfg.Desk.ReplySecret != "" {
		return []byte(cfg.Desk.ReplySecret), nil
	}
	secret, err := st.Setting(ctx, "reply_secret", func() ([]byte, error) {
		b := make([]byte, 32)
		_, err := io.ReadFull(deps.Rand, b)
		return b, err
	})
	if err != nil {
		return nil, fmt.Errorf("reply secret: %w", err)
	}
	return secret, nil
}
