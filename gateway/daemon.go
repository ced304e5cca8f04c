// Package gateway wires the protocols to the pipeline: the inbound SMTP
// server, the pipeline that takes a mail to a committed ticket change, the
// outbox worker that sends through the relay, and the admin views. It holds
// no ticket rules (those are in package ticket) and no SQL (package store).
package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-smtp"

	"postdesk/store"
	"postdesk/templates"
	"postdesk/ticket"
)

// Daemon is a running desk: the SMTP server, the pipeline and, when a relay
// is configured, the outbox worker.
type Daemon struct {
	Store    *store.Store
	Pipeline *Pipeline
	smtp     *smtp.Server
	outbox   *OutboxWorker // nil without a relay
	ln       net.Listener
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	deps     Deps
}

// OpenStore opens the database named in cfg with the deps' clock.
func OpenStore(ctx context.Context, cfg Config, deps Deps) (*store.Store, error) {
	return store.Open(ctx, cfg.Database.Path, store.Options{Synchronous: cfg.Database.Synchronous, Now: deps.Now})
}

// Start opens the store, listens on ln (or on cfg.SMTP.Listen when ln is
// nil) and serves until Close.
func Start(ctx context.Context, cfg Config, deps Deps, ln net.Listener) (*Daemon, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	tmpl, err := templates.Load()
	if err != nil {
		return nil, err
	}
	st, err := OpenStore(ctx, cfg, deps)
	if err != nil {
		return nil, err
	}
	if err := LoadPeople(ctx, st, cfg, deps); err != nil {
		st.Close()
		return nil, fmt.Errorf("load users and orgs: %w", err)
	}
	if ln == nil {
		if ln, err = net.Listen("tcp", cfg.SMTP.Listen); err != nil {
			st.Close()
			return nil, fmt.Errorf("listen smtp: %w", err)
		}
	}
	runCtx, cancel := context.WithCancel(context.Background())
	d := &Daemon{Store: st, ln: ln, cancel: cancel, deps: deps}
	var kick func()
	if cfg.Relay.Host != "" {
		w := NewOutboxWorker(st, NewRelaySender(cfg), cfg.Outbox, deps)
		d.outbox, kick = w, w.Kick
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			_ = w.Run(runCtx)
		}()
	} else {
		deps.Log.Warn("no relay configured: outbound mail stays in the outbox (see `postdesk outbox`)")
	}
	secret, err := ReplySecret(ctx, st, cfg, deps)
	if err != nil {
		st.Close()
		return nil, err
	}
	d.Pipeline = NewPipeline(cfg, st, tmpl, deps, secret, kick)
	d.smtp = NewSMTPServer(cfg, d.Pipeline, deps.Log)
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		if err := d.smtp.Serve(ln); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			deps.Log.Error("smtp server stopped", "err", err)
		}
	}()
	deps.Log.Info("postdesk listening", "addr", ln.Addr().String(), "desk", cfg.DeskAddress(),
		"db", cfg.Database.Path, "relay", cfg.Relay.Host)
	return d, nil
}

// Addr is the address the SMTP server listens on.
func (d *Daemon) Addr() string { return d.ln.Addr().String() }

// Close stops taking mail, lets sessions in DATA finish their commit, stops
// the outbox worker and closes the database.
func (d *Daemon) Close(ctx context.Context) error {
	err := d.smtp.Shutdown(ctx)
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
// to the desk address.
func DeliverOne(ctx context.Context, cfg Config, deps Deps, env Envelope, rcpt string, r io.Reader) (Outcome, error) {
	if rcpt == "" {
		rcpt = cfg.DeskAddress()
	}
	if !ticket.IsDeskAddress(cfg.DeskAddress(), rcpt) {
		return Outcome{}, errNoSuchMailbox{rcpt: rcpt, desk: cfg.DeskAddress()}
	}
	env.RcptTo = []string{rcpt}
	raw, err := io.ReadAll(io.LimitReader(r, cfg.SMTP.MaxMessageBytes+1))
	if err != nil {
		return Outcome{}, fmt.Errorf("read mail: %w", err)
	}
	if int64(len(raw)) > cfg.SMTP.MaxMessageBytes {
		return Outcome{}, errTooBig{limit: cfg.SMTP.MaxMessageBytes}
	}
	tmpl, err := templates.Load()
	if err != nil {
		return Outcome{}, err
	}
	st, err := OpenStore(ctx, cfg, deps)
	if err != nil {
		return Outcome{}, err
	}
	defer st.Close()
	secret, err := ReplySecret(ctx, st, cfg, deps)
	if err != nil {
		return Outcome{}, err
	}
	return NewPipeline(cfg, st, tmpl, deps, secret, nil).Deliver(ctx, env, raw)
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
