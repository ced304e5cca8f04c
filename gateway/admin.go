package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"postdesk/store"
	"postdesk/threading"
	"postdesk/ticket"
)

// WriteTickets writes the tickets in status (all when empty) to w, newest
// first: a table for people, or with asJSON a JSON array in the contract form
// of ticket.Ticket (without messages).
func WriteTickets(ctx context.Context, w io.Writer, st *store.Store, status string, asJSON bool) error {
	var f store.TicketFilter
	if status != "" {
		s, err := ticket.ParseStatus(status)
		if err != nil {
			return fmt.Errorf("--status: %w", err)
		}
		f.Status = s
	}
	list, err := st.ListTickets(ctx, f)
	if err != nil {
		return err
	}
	if asJSON {
		if list == nil {
			list = []ticket.Ticket{}
		}
		return writeJSON(w, list)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REF\tSTATUS\tSEV\tREQUESTER\tUPDATED\tSUMMARY")
	for _, t := range list {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", t.Ref, t.Status, t.Severity, t.Requester,
			t.UpdatedAt.Format(time.RFC3339), t.Summary)
	}
	return tw.Flush()
}

// WriteTicket writes ticket ref with its messages, attachments and history.
func WriteTicket(ctx context.Context, w io.Writer, st *store.Store, cfg Config, ref string, asJSON bool) error {
	n, err := threading.NewMatcher(cfg.Desk.Prefix, cfg.Desk.Domain).ParseRef(ref)
	if err != nil {
		return err
	}
	t, err := st.Ticket(ctx, cfg.Desk.Prefix, n)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(w, t)
	}
	fmt.Fprintf(w, "%s  %s\n", t.Ref, t.Summary)
	fmt.Fprintf(w, "status %s, severity %d, priority %s", t.Status, t.Severity, t.Priority)
	if t.Client != "" {
		fmt.Fprintf(w, ", client %s", t.Client)
	}
	if t.Resolution != "" {
		fmt.Fprintf(w, ", resolution %s", t.Resolution)
	}
	if t.Assignee != "" {
		fmt.Fprintf(w, ", assignee %s", t.Assignee)
	}
	if t.Escalated != nil {
		fmt.Fprintf(w, ", escalated %s (%s)", t.Escalated.Format(time.RFC3339), t.EscalationReason)
	}
	if len(t.Linked) > 0 {
		fmt.Fprintf(w, ", linked %s", strings.Join(t.Linked, ", "))
	}
	fmt.Fprintf(w, "\nrequester %s", t.Requester)
	if len(t.Participants) > 0 {
		fmt.Fprintf(w, ", participants %s", strings.Join(t.Participants, ", "))
	}
	fmt.Fprintf(w, "\ncreated %s, updated %s\n", t.CreatedAt.Format(time.RFC3339), t.UpdatedAt.Format(time.RFC3339))
	for _, m := range t.Messages {
		arrow := "<-"
		if m.Direction == ticket.Out {
			arrow = "->"
		}
		fmt.Fprintf(w, "\n%s %s %s  %s\n", arrow, m.CreatedAt.Format(time.RFC3339), m.From, m.Subject)
		for _, a := range m.Attachments {
			fmt.Fprintf(w, "   [%s, %s, %d bytes]\n", a.Filename, a.ContentType, a.Size)
		}
		if n := len(m.Forwarded); n > 0 {
			fmt.Fprintf(w, "   [forwarded trail of %d mails]\n", n)
			for _, f := range m.Forwarded {
				fmt.Fprintf(w, "     %s  %s  %s\n", f.Date, f.From, f.Subject)
			}
		}
		for _, p := range m.Problems {
			fmt.Fprintf(w, "   ! %s\n", p)
		}
		text := m.Text
		if m.NewText != "" && m.NewText != strings.TrimSpace(m.Text) {
			text = m.NewText + "\n[quoted history and signature not shown; `show --json` has the full text]"
		}
		for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
			fmt.Fprintf(w, "   %s\n", line)
		}
	}
	fmt.Fprintln(w, "\nhistory:")
	for _, e := range t.Events {
		fmt.Fprintf(w, "  %s  %-14s %s", e.At.Format(time.RFC3339), e.Type, e.Actor)
		if e.From != e.To {
			fmt.Fprintf(w, "  %s -> %s", e.From, e.To)
		}
		if e.Reason != "" {
			fmt.Fprintf(w, "  (%s)", e.Reason)
		}
		fmt.Fprintln(w)
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
