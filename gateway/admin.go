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

// TicketQuery selects the tickets `postdesk tickets` lists.
type TicketQuery struct {
	// Status, when set, keeps the tickets in that state.
	Status string
	// Breached keeps the tickets past their resolution or first-response
	// target; DueWithin (when positive) those falling due within that time.
	Breached  bool
	DueWithin time.Duration
	JSON      bool
}

// WriteTickets writes the tickets q selects to w, newest first, each with
// where it stands against its SLA target (due_at, sla): a table for people,
// or with q.JSON a JSON array in the contract form of ticket.Ticket with
// each ticket's events; "messages" is always [] in the list (show has them).
func WriteTickets(ctx context.Context, w io.Writer, st *store.Store, cfg Config, deps Deps, q TicketQuery) error {
	var f store.TicketFilter
	if q.Status != "" {
		s, err := ticket.ParseStatus(q.Status)
		if err != nil {
			return fmt.Errorf("--status: %w", err)
		}
		f.Status = s
	}
	list, err := st.ListTickets(ctx, f)
	if err != nil {
		return err
	}
	cals, err := cfg.BuildCalendars()
	if err != nil {
		return err
	}
	clock, err := newClockRules(ctx, cfg, cals, st)
	if err != nil {
		return err
	}
	now := deps.clock()
	kept := []ticket.Ticket{}
	for _, t := range list {
		events, err := st.Events(ctx, t.ID)
		if err != nil {
			return err
		}
		clock.annotate(&t, events, now)
		t.Events, t.Messages = events, []ticket.Message{}
		if (q.Breached || q.DueWithin > 0) && !urgent(t, now, q.DueWithin) {
			continue
		}
		kept = append(kept, t)
	}
	if q.JSON {
		return writeJSON(w, kept)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REF\tSTATUS\tSEV\tREQUESTER\tDUE\tUPDATED\tSUMMARY")
	for _, t := range kept {
		due := "-"
		switch {
		case t.SLA != nil && t.SLA.Breached:
			due = "breached, over by " + strings.TrimPrefix(t.SLA.Remaining, "-")
		case t.SLA != nil && t.SLA.Paused:
			due = "paused"
		case t.DueAt != nil:
			due = t.DueAt.Format(time.RFC3339) + " (" + t.SLA.Remaining + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\n", t.Ref, t.Status, t.Severity, t.Requester, due,
			t.UpdatedAt.Format(time.RFC3339), t.Summary)
	}
	return tw.Flush()
}

// WriteTicket writes ticket ref with its messages, attachments and history:
// as text (department and category included; each event with the
// Message-ID of the mail that caused it) or with asJSON in the contract form.
func WriteTicket(ctx context.Context, w io.Writer, st *store.Store, cfg Config, deps Deps, ref string, asJSON bool) error {
	n, err := threading.NewMatcher(cfg.Desk.Prefix, cfg.Desk.Domain).ParseRef(ref)
	if err != nil {
		return err
	}
	t, err := st.Ticket(ctx, cfg.Desk.Prefix, n)
	if err != nil {
		return err
	}
	cals, err := cfg.BuildCalendars()
	if err != nil {
		return err
	}
	clock, err := newClockRules(ctx, cfg, cals, st)
	if err != nil {
		return err
	}
	now := deps.clock()
	clock.annotate(&t, t.Events, now)
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
	fmt.Fprintf(w, "\ndepartment %s, category %s", orDash(t.Department), orDash(t.Category))
	fmt.Fprintf(w, "\nrequester %s", t.Requester)
	if len(t.Participants) > 0 {
		fmt.Fprintf(w, ", participants %s", strings.Join(t.Participants, ", "))
	}
	fmt.Fprintf(w, "\ncreated %s, updated %s\n", t.CreatedAt.Format(time.RFC3339), t.UpdatedAt.Format(time.RFC3339))
	if target, ok := ticket.TargetFor(clock.rules.Targets, t); ok {
		cal := clock.cals.For(t)
		s := ticket.MeasureSLA(t, t.Events, target, cal, now, clock.respondedAt(t.Events))
		fmt.Fprintf(w, "SLA: %s", s.Describe(cal.Location()))
		if !s.FirstResponseDue.IsZero() {
			fmt.Fprintf(w, "; first response due %s", s.FirstResponseDue.In(cal.Location()).Format("2006-01-02 15:04 MST"))
			if !s.RespondedAt.IsZero() {
				fmt.Fprintf(w, ", given %s", s.RespondedAt.In(cal.Location()).Format("2006-01-02 15:04 MST"))
			}
		}
		fmt.Fprintln(w)
	}
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
		if e.MessageID != "" {
			fmt.Fprintf(w, "  by mail <%s>", e.MessageID)
		}
		fmt.Fprintln(w)
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// AdminSet is SetTicket for `postdesk set`: an assignee it names must be an
// agent or manager of the desk (CheckAssignee), else nothing changes.
func AdminSet(ctx context.Context, w io.Writer, st *store.Store, cfg Config, deps Deps, req SetRequest) error {
	if err := CheckAssignee(ctx, st, req.Change.Assignee); err != nil {
		return err
	}
	return SetTicket(ctx, w, st, cfg, deps, req)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
