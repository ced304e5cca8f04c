package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"postdesk/store"
)

// WriteOutbox lists outbound mail for an operator: pending and failed, or
// with all also sent; each with its tries, when it is next tried (or was
// sent) and the last error the relay gave.
func WriteOutbox(ctx context.Context, w io.Writer, st *store.Store, all bool) error {
	states := []string{store.OutboxPending, store.OutboxFailed}
	if all {
		states = nil
	}
	list, err := st.Outbox(ctx, states...)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATE\tTRIES\tREF\tKIND\tTO\tNEXT/SENT\tLAST ERROR")
	for _, o := range list {
		when := o.NextAttemptAt.Format(time.RFC3339)
		if o.State == store.OutboxSent {
			when = o.SentAt.Format(time.RFC3339)
		} else if o.State == store.OutboxFailed {
			when = "-"
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", o.ID, o.State, o.Attempts, o.Ref, o.Kind, o.RcptTo,
			when, o.LastError)
	}
	if len(list) == 0 {
		fmt.Fprintln(tw, "(nothing pending or failed)")
	}
	return tw.Flush()
}

// WriteOutboxMail shows one outbound mail with every attempt to send it.
func WriteOutboxMail(ctx context.Context, w io.Writer, st *store.Store, arg string) error {
	id, err := outboxID(arg)
	if err != nil {
		return err
	}
	o, found, err := st.OutboxMail(ctx, id)
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("outbox %d: no such mail", id)
	}
	attempts, err := st.Attempts(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "outbox %d: %s %s mail of %s to %s, queued %s\nsubject: %s\nmessage-id: <%s>\n",
		o.ID, o.State, o.Kind, o.Ref, o.RcptTo, o.CreatedAt.Format(time.RFC3339), o.Subject, o.MessageID)
	if o.State == store.OutboxPending {
		fmt.Fprintf(w, "next try: %s\n", o.NextAttemptAt.Format(time.RFC3339))
	}
	fmt.Fprintf(w, "attempts (%d):\n", len(attempts))
	for _, a := range attempts {
		fmt.Fprintf(w, "  %s  %-8s  %s\n", a.At.Format(time.RFC3339), a.Outcome, a.Detail)
	}
	return nil
}

// RetryOutbox puts a failed outbound mail back in the queue, due now; the
// running desk sends it at its next look at the outbox (within a minute).
func RetryOutbox(ctx context.Context, w io.Writer, st *store.Store, deps Deps, arg, who string) error {
	id, err := outboxID(arg)
	if err != nil {
		return err
	}
	err = st.Write(ctx, func(tx *store.Tx) error { return tx.Requeue(id, deps.clock(), who) })
	switch {
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("outbox %d: no such mail (postdesk outbox lists them)", id)
	case errors.Is(err, store.ErrNotRequeued):
		return fmt.Errorf("outbox %d: only a failed mail can be sent again (%w)", id, err)
	case err != nil:
		return err
	}
	fmt.Fprintf(w, "outbox %d: queued again; the desk sends it within a minute\n", id)
	return nil
}

func outboxID(arg string) (int64, error) {
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || id < 1 {
		return 0, fmt.Errorf("%q is not an outbox id (the ID column of postdesk outbox)", arg)
	}
	return id, nil
}

// WriteSuppressions lists the addresses that hard-bounced, and until when
// mail to them is suspended.
func WriteSuppressions(ctx context.Context, w io.Writer, st *store.Store, deps Deps) error {
	list, err := st.Suppressions(ctx)
	if err != nil {
		return err
	}
	now := deps.clock()
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ADDRESS\tHARD BOUNCES\tLAST\tSUSPENDED UNTIL\tREASON")
	for _, s := range list {
		until := "-"
		if s.Until.After(now) {
			until = s.Until.Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", s.Address, s.HardBounces, s.LastAt.Format(time.RFC3339), until, s.Reason)
	}
	if len(list) == 0 {
		fmt.Fprintln(tw, "(no address has bounced)")
	}
	return tw.Flush()
}
