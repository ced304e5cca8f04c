package parser

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode"
)

// The reply-stripping corpora of ../shared/corpus and how each is measured.
//
// talon (Mailgun) expects the text above the quote, signature included: its
// extract_from keeps "Sent from my iPhone" and Sparrow's "-- " block. So for
// talon the measure is the Reply the ticket shows: for .eml, Parse's
// Reply, whose NewText then Signature must be the expectation exactly (only
// the blank lines between the two, trimmed off each, are not compared); for
// .html, ExtractReplyHTML's NewText+Signature with all white space removed
// on both sides, as talon compares.
//
// crisp (email-reply-parser) expects its first fragment, the text above
// the signature or the quote, signature excluded. Its fragment is the input
// lines above the cut with trailing white space removed from each line, and
// its exact assertions compare that form including the blank lines before
// the cut; the new text is rendered in that same form and compared exactly,
// or after trim() where upstream trims. The fixtures it gives no expectation
// for are measured like github-erp: testdata/reply/crisp.tsv holds our
// judgement of NewText for each.
//
// github-erp ships no expectations; testdata/reply/github-erp.tsv holds our
// judgement of NewText (signature excluded) for every one of its mails.
//
// A case whose expectation is itself wrong is listed with its reason in
// testdata/corpus-exceptions/reply-stripping.tsv and left out of the count.
const (
	replyCorpusDir     = corpusDir + "/reply-stripping"
	replyExceptionFile = "../testdata/corpus-exceptions/reply-stripping.tsv"
	githubERPFile      = "../testdata/reply/github-erp.tsv"
	crispJudgedFile    = "../testdata/reply/crisp.tsv"
	minReplyAgreement  = 0.98
)

// replyCase is one measured mail: name as in the exceptions file
// ("talon/standard_replies/gmail.eml", "crisp/email_1", "github-erp/email_1_1.txt").
type replyCase struct {
	name      string
	got, want string
	agree     bool
}

func TestReplyCorpus(t *testing.T) {
	if _, err := os.Stat(replyCorpusDir); err != nil {
		t.Skipf("reply-stripping corpus not found at %s (a clone without ../shared): %v", replyCorpusDir, err)
	}
	exceptions := readTSV(t, replyExceptionFile)
	used := map[string]bool{}
	var agree, total int
	for _, corpus := range []struct {
		name string
		load func(*testing.T) ([]replyCase, string)
	}{
		{"talon", talonCases},
		{"crisp", crispCases},
		{"github-erp", githubERPCases},
	} {
		cases, note := corpus.load(t)
		var a, n, excepted int
		for _, c := range cases {
			if reason, ok := exceptions[c.name]; ok {
				used[c.name] = true
				excepted++
				if c.agree {
					// A stale exception hides nothing today but would hide
					// a regression tomorrow.
					t.Errorf("%s agrees now: remove its exception (%s)", c.name, reason[0])
				}
				continue
			}
			n++
			if c.agree {
				a++
			} else {
				t.Logf("%s disagrees\n--- got\n%q\n--- want\n%q", c.name, c.got, c.want)
			}
		}
		if n == 0 {
			t.Fatalf("corpus %s: no case measured", corpus.name)
		}
		extra := ""
		if excepted > 0 {
			extra += fmt.Sprintf(", %d excepted", excepted)
		}
		fmt.Printf("corpus reply-stripping/%s: %d/%d agree (%.1f%%)%s%s\n", corpus.name, a, n, 100*float64(a)/float64(n), extra, note)
		agree, total = agree+a, total+n
	}
	for name := range exceptions {
		if !used[name] {
			t.Errorf("exception %s names no measured case", name)
		}
	}
	if share := float64(agree) / float64(total); share < minReplyAgreement {
		t.Errorf("reply-stripping agreement %d/%d = %.1f%%, below %.0f%%", agree, total, 100*share, 100*minReplyAgreement)
	}
}

// talonCases reads talon/expected.json.
func talonCases(t *testing.T) ([]replyCase, string) {
	dir := filepath.Join(replyCorpusDir, "talon")
	var expected map[string]struct {
		Input   string `json:"input"`
		Reply   string `json:"expected_reply"`
		Compare string `json:"compare"`
	}
	readJSON(t, filepath.Join(dir, "expected.json"), &expected)
	var cases []replyCase
	for _, file := range sortedKeys(expected) {
		e := expected[file]
		raw, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		c := replyCase{name: "talon/" + file}
		switch e.Compare {
		case "exact after strip()":
			if !strings.HasSuffix(file, ".eml") || e.Input != "first text/plain part (charset-decoded)" {
				t.Fatalf("%s: input %q not understood", c.name, e.Input)
			}
			// What the ticket shows: the Reply that Parse extracted.
			msg, _ := Parse(raw)
			c.got, c.want = msg.Reply.NewText, strings.TrimSpace(e.Reply)
			c.agree = talonAgrees(msg.Reply, c.want)
			if msg.Reply.Signature != "" {
				c.got += "\n\n" + msg.Reply.Signature
			}
			cases = append(cases, c)
			continue
		case "html->text, then all whitespace removed on both sides":
			r := ExtractReplyHTML(string(raw))
			c.got, c.want = dropSpace(r.NewText+r.Signature), dropSpace(e.Reply)
		default:
			t.Fatalf("%s: comparison %q not understood", c.name, e.Compare)
		}
		c.agree = c.got == c.want
		cases = append(cases, c)
	}
	return cases, ""
}

// talonAgrees tells whether want is r.NewText followed by r.Signature, both
// exactly as extracted; only the blank space between the two, which Reply
// trims off each part, is not compared.
func talonAgrees(r Reply, want string) bool {
	rest, ok := strings.CutPrefix(want, r.NewText)
	if !ok || r.NewText == "" {
		return false
	}
	if r.Signature == "" {
		return rest == ""
	}
	gap := len(rest) - len(strings.TrimLeft(rest, " \t\r\n"))
	return strings.Contains(rest[:gap], "\n") && rest[gap:] == r.Signature
}

// crispCases reads crisp/expected.json.
func crispCases(t *testing.T) ([]replyCase, string) {
	dir := filepath.Join(replyCorpusDir, "crisp")
	var expected struct {
		Expected map[string]struct {
			Assert string `json:"assert"`
			Text   string `json:"text"`
		} `json:"expected"`
		Upstream []string `json:"not_extracted_see_test_js"`
	}
	readJSON(t, filepath.Join(dir, "expected.json"), &expected)
	var cases []replyCase
	for _, name := range sortedKeys(expected.Expected) {
		e := expected.Expected[name]
		raw, err := os.ReadFile(filepath.Join(dir, "fixtures", name+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		// Upstream reads the file as UTF-8 and turns CRLF into LF.
		s := splitReply(strings.ReplaceAll(string(raw), "\r\n", "\n"))
		fragment := crispFragment(s)
		if r := s.reply(); s.newFrom == 0 && rtrimLines(r.NewText) != strings.TrimSpace(fragment) {
			t.Fatalf("crisp/%s: fragment %q is not NewText %q", name, fragment, r.NewText)
		}
		c := replyCase{name: "crisp/" + name, want: e.Text}
		switch e.Assert {
		case "fragments[0] == text", "visible_text == text":
			c.got = fragment
		case "fragments[0].trim() == text":
			c.got = strings.TrimSpace(fragment)
		default:
			t.Fatalf("%s: assertion %q not understood", c.name, e.Assert)
		}
		c.agree = c.got == c.want
		cases = append(cases, c)
	}
	// The fixtures expected.json leaves out are measured against our own
	// judgement.
	files, err := filepath.Glob(filepath.Join(dir, "fixtures", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var rest []string
	for _, f := range files {
		if _, ok := expected.Expected[strings.TrimSuffix(filepath.Base(f), ".txt")]; !ok {
			rest = append(rest, f)
		}
	}
	judged := judgedCases(t, "crisp/", rest, crispJudgedFile, func(name string) string { return strings.TrimSuffix(name, ".txt") })
	return append(cases, judged...), fmt.Sprintf(" (%d of them by our judgement in %s)", len(judged), filepath.Base(crispJudgedFile))
}

// crispFragment renders the new text as upstream's first fragment: the
// input lines from the new text's first line down to the line that starts
// the signature or the quote, each without trailing white space, one leading
// newline dropped.
func crispFragment(s replySpans) string {
	return strings.TrimPrefix(rtrimLines(strings.Join(s.lines[s.newFrom:s.newTo], "\n")), "\n")
}

func rtrimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRightFunc(l, unicode.IsSpace)
	}
	return strings.Join(lines, "\n")
}

// githubERPCases measures every github-erp mail against our judgement.
func githubERPCases(t *testing.T) ([]replyCase, string) {
	files, err := filepath.Glob(filepath.Join(replyCorpusDir, "github-erp", "emails", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return judgedCases(t, "github-erp/", files, githubERPFile, func(name string) string { return name }), ""
}

// judgedCases measures ExtractReply's NewText of each file against the row
// of judgedFile keyed by key(base name); every file must have a row and
// every row a file.
func judgedCases(t *testing.T, prefix string, files []string, judgedFile string, key func(string) string) []replyCase {
	judged := readTSV(t, judgedFile)
	var cases []replyCase
	for _, file := range files {
		name := key(filepath.Base(file))
		row, ok := judged[name]
		if !ok {
			t.Fatalf("%s has no row in %s", name, judgedFile)
		}
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		got := ExtractReply(strings.ReplaceAll(string(raw), "\r\n", "\n")).NewText
		c := replyCase{name: prefix + name, got: got, want: unescapeTSV(row[0])}
		if hash, ok := strings.CutPrefix(c.want, "sha256:"); ok {
			sum := sha256.Sum256([]byte(got))
			c.got, c.want = "sha256:"+hex.EncodeToString(sum[:]), "sha256:"+hash
		}
		c.agree = c.got == c.want
		cases = append(cases, c)
	}
	if len(cases) != len(judged) {
		t.Fatalf("%s has %d rows for %d mails", judgedFile, len(judged), len(cases))
	}
	return cases
}

// readTSV reads "key<TAB>value<TAB>..." rows, skipping blank lines and
// "#" comments.
func readTSV(t *testing.T, path string) map[string][]string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 2 {
			t.Fatalf("%s:%d: want key<TAB>value, got %q", path, n, line)
		}
		if _, dup := out[cols[0]]; dup {
			t.Fatalf("%s:%d: %s listed twice", path, n, cols[0])
		}
		out[cols[0]] = cols[1:]
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// unescapeTSV turns \n, \t and \\ back into what they stand for.
func unescapeTSV(s string) string {
	return strings.NewReplacer(`\\`, `\`, `\n`, "\n", `\t`, "\t").Replace(s)
}

func readJSON(t *testing.T, path string, v any) {
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func dropSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}
