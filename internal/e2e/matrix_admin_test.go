package e2e_test

import "slices"

// The matrix, one line per route. Each line's want has one answer per
// column:
//
//	anon  partnerA  partnerB  owner  admin  manager  viewer  keyRead  keyAll
//
// (the forged callers expect anon's answers). An answer is "ok", "L" (the
// path's sign-in page) or a status; "a|b|c" splits it by side: A's ids,
// B's ids, A's partner with B's contact. See mxWant.
//
// The manager owns A and the viewer was granted A: both see A and not B,
// so B's ids answer 404 as if B did not exist. What the viewer may not do
// at all answers 403 whichever id it names, unless reading the page comes
// first: then B's ids answer 404.

// Lines that recur.
const (
	mxPublic   = "ok ok ok ok ok ok ok ok ok"
	mxStaff    = "L L L ok ok ok ok L L"                       // any staff user; nothing of a partner's in the path
	mxWriters  = "L L L ok ok ok 403 L L"                      // staff who may change partners: not the viewer
	mxAdmins   = "L L L ok ok 403 403 L L"                     // owners and admins
	mxSee      = "L L L ok ok ok|404 ok|404 L L"               // pages about A or B: the manager and viewer see A only
	mxEdit     = "L L L ok ok ok|404 403 L L"                  // changes to A or B
	mxEditRead = "L L L ok ok ok|404 403|404 L L"              // changes whose handler reads the partner first: B is 404 to the viewer too
	mxSeeC     = "L L L ok|ok|404 ok|ok|404 ok|404 ok|404 L L" // a contact of A or B; a contact under another partner is 404
	mxWriteC   = "L L L ok|ok|404 ok|ok|404 ok|404 403 L L"
	mxEditC    = "L L L ok|ok|404 ok|ok|404 ok|404 403|404 L L" // portal access: the contact is read first
	mx404      = "404 404 404 404 404 404 404 404 404"
	mxMember   = "L ok ok L L L L L L" // signed-in partner users
)

func mxRoutes() []mxRoute {
	return slices.Concat(mxAdminRoutes, mxLeadAdminRoutes, mxSettingsRoutes, mxPortalRoutes, mxLeadPortalRoutes, mxAPIRoutes, mxLeadAPIRoutes, mxOtherRoutes)
}

var mxAdminRoutes = []mxRoute{
	// Signing in: open to all. The forms' wrong answers are answers, not refusals.
	{"GET /admin/login", "/admin/login", "", mxPublic, nil},
	{"POST /admin/login", "/admin/login", "email=nobody%40vendor.example&password=not+the+password", "401 401 401 401 401 401 401 401 401", nil},
	// A right password replaces the session the browser held, which ends
	// it; a portal token in the admin cookie must survive that.
	{"POST /admin/login", "/admin/login", "email=signin%40vendor.example&password=matrix+password+1", mxPublic, mxRenew},
	{"GET /admin/login/totp", "/admin/login/totp", "", mxPublic, nil},
	{"POST /admin/login/totp", "/admin/login/totp", "code=123456", "401 401 401 401 401 401 401 401 401", nil},
	{"POST /admin/logout", "/admin/logout", "", mxPublic, mxRenew},
	{"GET /admin/forgot", "/admin/forgot", "", mxPublic, nil},
	{"POST /admin/forgot", "/admin/forgot", "email=nobody%40vendor.example", mxPublic, nil},
	{"GET /admin/reset/{token}", "/admin/reset/{TOKEN}", "", mx404, nil},
	{"POST /admin/reset/{token}", "/admin/reset/{TOKEN}", "password=a+new+password+2&password2=a+new+password+2", mx404, nil},

	// Lists: each shows only what its reader may see. The going-quiet list
	// comes first, while both partners are still quiet.
	{"GET /admin/quiet", "/admin/quiet", "", mxStaff, nil},
	{"GET /admin/quiet", "/admin/quiet?days=30", "", mxStaff, nil},
	{"GET /admin/{$}", "/admin/", "", mxStaff, nil},
	{"GET /admin/partners", "/admin/partners", "", mxStaff, nil},
	{"GET /admin/partners", "/admin/partners?q=Systems&status=active&sort=name", "", mxStaff, nil}, // both partners' names match
	{"GET /admin/partners/new", "/admin/partners/new", "", mxStaff, nil},
	{"POST /admin/partners/new", "/admin/partners/new", "name={M}+New+{N}&status=onboarding&portalAccess=RESTRICTED_USERS", mxWriters, nil},
	{"GET /admin/partners/{id}", "/admin/partners/{P}", "", mxSee, nil},
	{"GET /admin/partners/{id}", "/admin/partners/{X}", "", mxSee, nil}, // by CRM external id
	{"GET /admin/partners/{id}/edit", "/admin/partners/{P}/edit", "", mxSee, nil},
	{"POST /admin/partners/{id}/edit", "/admin/partners/{P}/edit",
		"version={V}&name={M}+Renamed+{N}&status=onboarding&portalAccess=RESTRICTED_USERS&partnerOwnerId={OWNER}", mxEditRead, mxNewPartner},
	// A champion must be one of the partner's own contacts: naming another partner's is refused.
	{"POST /admin/partners/{id}/edit", "/admin/partners/{P}/edit",
		"version={V}&name={M}+Renamed+{N}&status=onboarding&portalAccess=RESTRICTED_USERS&partnerOwnerId={OWNER}&championContactId={C}",
		"L L L ok|ok|422 ok|ok|422 ok|404|422 403|404|403 L L", mxOwnContact},
	{"POST /admin/partners/{id}/archive", "/admin/partners/{P}/archive", "", mxEdit, mxNewPartner},
	{"POST /admin/partners/{id}/restore", "/admin/partners/{P}/restore", "", mxEdit, mxArchived},
	{"POST /admin/partners/{id}/activity", "/admin/partners/{P}/activity", "kind=comment&text=A+matrix+comment", mxEdit, nil},
	{"POST /admin/partners/{id}/grants", "/admin/partners/{P}/grants", "user={U}", mxAdmins, nil},
	{"POST /admin/partners/{id}/grants/{userID}/delete", "/admin/partners/{P}/grants/{U}/delete", "", mxAdmins, mxGranted},

	{"GET /admin/partners/{id}/contacts/new", "/admin/partners/{P}/contacts/new", "", mxSee, nil},
	{"POST /admin/partners/{id}/contacts/new", "/admin/partners/{P}/contacts/new", "name={M}+Added+{N}&email={m}.added{N}%40{m}.example", mxEdit, nil},
	{"GET /admin/partners/{id}/contacts/{cid}/edit", "/admin/partners/{P}/contacts/{C}/edit", "", mxSeeC, nil},
	{"POST /admin/partners/{id}/contacts/{cid}/edit", "/admin/partners/{P}/contacts/{C}/edit", "version={V}&name={M}+Renamed+{N}&email={m}{N}%40{m}.example", mxWriteC, mxNewContact},
	{"POST /admin/partners/{id}/contacts/{cid}/delete", "/admin/partners/{P}/contacts/{C}/delete", "", mxWriteC, mxNewContact},
	{"POST /admin/partners/{id}/contacts/{cid}/invite", "/admin/partners/{P}/contacts/{C}/invite", "message=Welcome", mxEditC, mxNewContact},
	{"POST /admin/partners/{id}/contacts/{cid}/resend", "/admin/partners/{P}/contacts/{C}/resend", "message=", mxEditC, mxInvited},
	{"POST /admin/partners/{id}/contacts/{cid}/revoke", "/admin/partners/{P}/contacts/{C}/revoke", "", mxEditC, mxInvited},
	{"POST /admin/partners/{id}/contacts/{cid}/password", "/admin/partners/{P}/contacts/{C}/password", "password=a+temporary+password", mxEditC, mxNewContact},
	{"POST /admin/partners/{id}/contacts/{cid}/disable", "/admin/partners/{P}/contacts/{C}/disable", "", mxEditC, mxActive},

	{"GET /admin/notifications", "/admin/notifications", "", mxStaff, nil},
	{"POST /admin/notifications/read", "/admin/notifications/read", "", mxStaff, nil},
	{"POST /admin/quiet/archive", "/admin/quiet/archive", "id={P}", mxEdit, mxNewPartner},
}

// The mount points and what is served beside the two surfaces. Uploaded
// files (logos) are served to anyone who has the link, by design: their
// ids are unguessable and logos show on pages of both surfaces and in
// e-mails. What the matrix holds to is that a file's id is only ever
// shown to callers who may see its partner: each partner's logo id is
// among its markers, so no answer to anyone else may carry it.
var mxOtherRoutes = []mxRoute{
	{"/admin/", "/admin/no-such-page", "", mx404, nil},
	{"/admin", "/admin", "", mxPublic, nil},
	{"/partner/", "/partner/no-such-page", "", mx404, nil},
	{"/partner", "/partner", "", mxPublic, nil},
	{"GET /static/", "{STATIC}", "", mxPublic, nil},
	{"GET /theme.css", "/theme.css", "", mxPublic, nil},
	{"GET /files/{id}", "/files/{F}", "", mxPublic, nil},
	{"GET /files/{id}", "/files/{NOFILE}", "", mx404, nil},
	{"GET /{$}", "/", "", mxPublic, nil},
}
