package parser

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// sisimaiDir holds sisimai's set-of-emails: bounces from hundreds of MTAs
// with the results go-sisimai expects (../shared/corpus/README.md).
const sisimaiDir = corpusDir + "/sisimai-bounces"

// sisimaiExceptions lists the corpus files whose expectation does not fit
// DetectBounce's contract, each with the reason.
const sisimaiExceptions = "../testdata/corpus-exceptions/sisimai-bounces.tsv"

// sisimaiJudged holds our own judgement, with the reason, of every corpus
// mail that expected.tsv leaves out: kind, first recipient, status, hard.
const sisimaiJudged = "../testdata/judged/sisimai-bounces.tsv"

// judgedRow is one row of sisimaiJudged.
type judgedRow struct {
	kind, recipient, status string
	hard                    bool
}

func readJudged(t *testing.T, path string) map[string]judgedRow {
	t.Helper()
	out := map[string]judgedRow{}
	for name, cols := range readTSV(t, path) {
		if len(cols) != 5 || strings.TrimSpace(cols[4]) == "" || (cols[3] != "true" && cols[3] != "false") {
			t.Fatalf("%s: row %s wants kind, recipient, status, hard, reason: %q", path, name, cols)
		}
		out[name] = judgedRow{kind: cols[0], recipient: cols[1], status: cols[2], hard: cols[3] == "true"}
	}
	return out
}

// expectedRow is one line of expected.tsv: one failed recipient.
type expectedRow struct {
	index  int
	status string
	reply  string
	reason string
	hard   bool
}

func readExpected(t *testing.T, path string) map[string][]expectedRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]expectedRow{}
	sc := bufio.NewScanner(f)
	for n := 0; sc.Scan(); n++ {
		cols := strings.Split(sc.Text(), "\t")
		if n == 0 {
			if strings.Join(cols, ",") != "file,index,status,replycode,reason,hardbounce" {
				t.Fatalf("%s: unexpected header %q", path, cols)
			}
			continue
		}
		if len(cols) != 6 {
			t.Fatalf("%s line %d: %d columns", path, n+1, len(cols))
		}
		i, err := strconv.Atoi(cols[1])
		if err != nil {
			t.Fatalf("%s line %d: index %q", path, n+1, cols[1])
		}
		out[cols[0]] = append(out[cols[0]], expectedRow{i, cols[2], cols[3], cols[4], cols[5] == "true"})
	}
	for _, rows := range out {
		sort.Slice(rows, func(a, b int) bool { return rows[a].index < rows[b].index })
	}
	return out
}

// readExceptions reads file<TAB>reason lines; # starts a comment.
func readExceptions(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		file, reason, ok := strings.Cut(line, "\t")
		if !ok || strings.TrimSpace(reason) == "" {
			t.Fatalf("%s: %q has no reason", path, line)
		}
		out[file] = reason
	}
	return out
}

// recipients flattens a Bounce into its list of failed recipients.
func recipients(b *Bounce) []Bounce {
	if b == nil {
		return nil
	}
	out := []Bounce{*b}
	return append(out, b.Others...)
}

// TestBounceCorpusSisimai is the acceptance measure of DetectBounce: every
// bounce of sisimai's corpus must be recognised, with a recipient and the
// status sisimai expects for the first (row 1); the figures also count the
// reports whose recipients are all found (row i is the i-th recipient) and
// the first recipient's hard/soft verdict. The mails that are no bounces
// must give nil.
func TestBounceCorpusSisimai(t *testing.T) {
	if _, err := os.Stat(sisimaiDir); err != nil {
		t.Skipf("sisimai bounce corpus not found at %s (a clone without ../shared): %v", sisimaiDir, err)
	}
	expected := readExpected(t, filepath.Join(sisimaiDir, "expected.tsv"))
	exceptions := readExceptions(t, sisimaiExceptions)
	judged := readJudged(t, sisimaiJudged)
	usedJudged := map[string]bool{}
	files, err := filepath.Glob(filepath.Join(sisimaiDir, "maildir/bsd/*.eml"))
	if err != nil || len(files) < 600 {
		t.Fatalf("found %d bounce files (%v), expected the corpus's 600 and more", len(files), err)
	}
	var total, statusOK, rcptOK, hardOK, unexpected, judgedOK, excepted int
	for _, path := range files {
		name := filepath.Base(path)
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		msg, _ := Parse(raw)
		got := recipients(DetectBounce(raw, msg))
		rows, ok := expected[name]
		if !ok {
			// sisimai gives no expectation for it: judged by our own row.
			unexpected++
			want, ok := judged[name]
			if !ok {
				t.Errorf("%s has no expected.tsv row and no judgement in %s (kind %s, %s)", name, sisimaiJudged, msg.Kind, describeBounces(got))
				continue
			}
			usedJudged[name] = true
			if msg.Kind == KindHuman {
				// A machine's notice read as a person's mail opens a ticket.
				t.Errorf("%s is read as human mail; judged %s", name, want.kind)
			}
			var g judgedRow
			g.kind = msg.Kind
			if len(got) > 0 {
				g.recipient, g.status, g.hard = got[0].Recipient, got[0].Status, got[0].Hard
			}
			if g == want {
				judgedOK++
			} else {
				t.Errorf("%s: got %+v, judged %+v", name, g, want)
			}
			continue
		}
		if why, ok := exceptions[name]; ok {
			// Every exception is a mail that is no failure report by
			// DetectBounce's contract: it must give nil.
			excepted++
			if len(got) > 0 {
				t.Errorf("%s is excepted as no failure report (%s), but DetectBounce says %s", name, why, describeBounces(got))
			}
			continue
		}
		total++
		if len(got) == 0 || got[0].Recipient == "" {
			t.Logf("%s: not recognised as a bounce; want %+v", name, rows)
			continue
		}
		if len(got) == len(rows) {
			rcptOK++
		}
		// Row i is the i-th recipient; the figures count the first, the
		// log shows every disagreement.
		if got[0].Status == rows[0].status {
			statusOK++
		}
		if got[0].Hard == rows[0].hard {
			hardOK++
		}
		agree := len(got) == len(rows)
		for i := 0; agree && i < len(rows); i++ {
			agree = got[i].Status == rows[i].status && got[i].Hard == rows[i].hard
		}
		if !agree {
			t.Logf("%s: got %s; want %s", name, describeBounces(got), describeRows(rows))
		}
	}
	notDir := filepath.Join(sisimaiDir, "maildir/not")
	nots, _ := filepath.Glob(filepath.Join(notDir, "*"))
	var notOK int
	for _, path := range nots {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		msg, _ := Parse(raw)
		if b := DetectBounce(raw, msg); b != nil {
			t.Errorf("%s is no bounce, but DetectBounce says %+v", filepath.Base(path), *b)
		} else {
			notOK++
		}
	}
	if len(nots) != 3 {
		t.Errorf("found %d not-bounces in %s, expected 3", len(nots), notDir)
	}
	pct := 100 * float64(statusOK) / float64(max(total, 1))
	fmt.Printf("corpus sisimai-bounces: %d/%d classified with the right status (%.1f%%); recipients found %d/%d; hard agrees %d/%d; not-bounces correct %d/%d; without expected.tsv row, agree with our judgement %d/%d\n",
		statusOK, total, pct, rcptOK, total, hardOK, total, notOK, len(nots), judgedOK, unexpected)
	t.Logf("%d excepted", excepted)
	for name := range judged {
		if !usedJudged[name] {
			t.Errorf("%s judges %s, which is no corpus mail without an expected.tsv row", sisimaiJudged, name)
		}
	}
	if excepted != len(exceptions) {
		t.Errorf("%s lists %d files, %d of them in the corpus with an expectation", sisimaiExceptions, len(exceptions), excepted)
	}
	if pct < 97 {
		t.Errorf("%.1f%% of the corpus classified with the right status, want 97%% or more", pct)
	}
}

func describeBounces(bs []Bounce) string {
	var parts []string
	for _, b := range bs {
		parts = append(parts, fmt.Sprintf("%s %s %d %s hard=%v", b.Recipient, b.Status, b.ReplyCode, b.Reason, b.Hard))
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

func describeRows(rows []expectedRow) string {
	var parts []string
	for _, r := range rows {
		parts = append(parts, fmt.Sprintf("%s %s %s hard=%v", r.status, r.reply, r.reason, r.hard))
	}
	return "[" + strings.Join(parts, "; ") + "]"
}
