package browsertest

import (
	"strings"

	"github.com/chromedp/chromedp"
)

// acceptInvite opens the e-mailed link, chooses a password and lands signed
// in on the portal dashboard.
func acceptInvite(b *tab, invitePath string) {
	b.t.Helper()
	b.open(invitePath)
	b.wantText("main", "Globex Partners", samEmail)
	b.fill("#f-password", samPassword)
	b.fill("#f-confirm", samPassword)
	b.clickOK("accepting the invite", `main form button[type=submit]`)
	b.wantPath("/partner/")
	b.wantText("main h1", "Globex Partners")
	b.wantText("header .who", samEmail)
}

// editProfile changes the editable property and sees it saved, also after
// loading the page again.
func editProfile(b *tab) {
	b.t.Helper()
	b.clickOK("opening the profile", `nav.main a[href="/partner/profile"]`)
	if got := b.value("#f-specialization"); got != "Cloud hosting" {
		b.fatalf("the profile's specialization is %q, want the staff's %q", got, "Cloud hosting")
	}
	// The company name is shown, but not as a field.
	b.wantText("#profile", "Company name", "Globex Partners", "Partner tier")
	if n := run(b, "counting name fields", chromedp.Evaluate[int](`document.querySelectorAll('#profile [name="name"], #profile [name="tier"]').length`)); n != 0 {
		b.fatalf("the read-only name or tier is a form field (%d found)", n)
	}
	b.fill("#f-specialization", "Kubernetes migrations")
	b.clickOK("saving the profile", `#profile button[type=submit]`)
	b.wantPath("/partner/profile")
	b.wantText("p.flash", "Saved.")
	b.open("/partner/profile")
	if got := b.value("#f-specialization"); got != "Kubernetes migrations" {
		b.fatalf("after saving, the specialization is %q", got)
	}
}

// craftedResult is what the page's own fetch() saw.
type craftedResult struct {
	Status int    `json:"status"`
	Body   string `json:"body"`
}

// refuseReadOnly posts the profile form from the signed-in page (same
// origin, the real cookie) with the read-only company name and tier added,
// as a crafted request would: the server must answer 422 and change nothing,
// not even the editable field sent along.
func refuseReadOnly(b *tab) {
	b.t.Helper()
	const js = `(async () => {
		const body = new URLSearchParams(new FormData(document.getElementById("profile")));
		body.set("specialization", "Sneaked in");
		body.set("name", "Hijacked Inc");
		body.set("tier", "Platinum");
		const r = await fetch("/partner/profile", {method: "POST", body, redirect: "manual"});
		return {status: r.status, body: await r.text()};
	})()`
	got := run(b, "posting a crafted profile", chromedp.Evaluate[craftedResult](js, chromedp.EvalAwaitPromise))
	if got.Status != 422 || !strings.Contains(got.Body, "read-only") {
		b.fatalf("crafted post of read-only fields: status %d, want 422 with a read-only refusal:\n%s", got.Status, got.Body)
	}
	b.open("/partner/profile")
	if v := b.value("#f-specialization"); v != "Kubernetes migrations" {
		b.fatalf("after the refused post, the specialization is %q", v)
	}
	page := b.wantText("#profile", "Globex Partners")
	if strings.Contains(page, "Hijacked") || strings.Contains(page, "Platinum") {
		b.fatalf("the refused post changed the profile:\n%s", page)
	}
}

// checkAudit finds the partner user's change, with its before and after, in
// the audit log, and no trace of the refused one.
func checkAudit(b *tab, partnerPath string) {
	b.t.Helper()
	b.clickOK("opening the audit log", `nav.main a[href="/admin/audit"]`)
	b.wantPath("/admin/audit")
	rows := run(b, "reading the audit rows", chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('table[aria-label="Audit events"] tbody tr')].map(r => r.innerText)`))
	var found string
	for _, r := range rows {
		if strings.Contains(r, "partner_user") && strings.Contains(r, "partner.profile_updated") &&
			strings.Contains(r, `customProperties: {"specialization":"Cloud hosting"} → {"specialization":"Kubernetes migrations"}`) {
			found = r
		}
		if strings.Contains(r, "Hijacked") || strings.Contains(r, "Sneaked") {
			b.fatalf("the audit log records the refused post:\n%s", r)
		}
	}
	if found == "" {
		b.fatalf("no audit row of the partner user's change from Cloud hosting to Kubernetes migrations among:\n%s", strings.Join(rows, "\n---\n"))
	}
	if !strings.Contains(found, "Sam Carter") && !strings.Contains(found, samEmail) {
		b.fatalf("the partner user's change does not name Sam:\n%s", found)
	}
	// The staff's view of the partner agrees.
	b.open(partnerPath)
	b.wantText("main h1", "Globex Partners")
	b.wantText(`section[aria-labelledby="h-props"]`, "Kubernetes migrations")
}
