package e2e_test

// The partner portal. A partner user's partner comes from the session,
// never from the URL, so its routes take no partner's ids: what the matrix
// holds to is that each partner user's answers never show the other
// partner's data, and that no staff session (nor a staff token in the
// portal's cookie) opens them. Links e-mailed to people (reset, invite,
// sign-up, e-mail change) are called with a token never issued. See
// mxAdminRoutes for how to read a line.
var mxPortalRoutes = []mxRoute{
	{"GET /partner/login", "/partner/login", "", mxPublic, nil},
	{"POST /partner/login", "/partner/login", "email=nobody%40nowhere.example&password=not+the+password", "401 401 401 401 401 401 401 401 401", nil},
	{"POST /partner/login", "/partner/login", "email=signin%40azurite.example&password=matrix+password+1", mxPublic, nil},
	{"POST /partner/logout", "/partner/logout", "", mxPublic, mxRenew},
	{"GET /partner/forgot", "/partner/forgot", "", mxPublic, nil},
	{"POST /partner/forgot", "/partner/forgot", "email=nobody%40nowhere.example", mxPublic, nil},
	{"GET /partner/reset/{token}", "/partner/reset/{TOKEN}", "", mx404, nil},
	{"POST /partner/reset/{token}", "/partner/reset/{TOKEN}", "password=a+new+password+3&confirm=a+new+password+3", mx404, nil},
	{"GET /partner/invite/{token}", "/partner/invite/{TOKEN}", "", mx404, nil},
	{"POST /partner/invite/{token}", "/partner/invite/{TOKEN}", "password=a+new+password+3&confirm=a+new+password+3", mx404, nil},
	{"GET /partner/signup", "/partner/signup", "", mxPublic, nil},
	{"POST /partner/signup", "/partner/signup", "email=someone%40nowhere.example", mxPublic, nil},
	{"GET /partner/signup/{token}", "/partner/signup/{TOKEN}", "", mx404, nil},
	{"POST /partner/signup/{token}", "/partner/signup/{TOKEN}", "name=Someone&password=a+new+password+3&confirm=a+new+password+3", mx404, nil},
	{"GET /partner/email/{token}", "/partner/email/{TOKEN}", "", mx404, nil},
	{"POST /partner/email/{token}", "/partner/email/{TOKEN}", "", mx404, nil},

	{"GET /partner/{$}", "/partner/", "", mxMember, nil},
	{"GET /partner/profile", "/partner/profile", "", mxMember, nil},
	{"POST /partner/profile", "/partner/profile", "website=https%3A%2F%2Fwww.matrix.example", mxMember, nil},
	{"POST /partner/profile/logo", "/partner/profile/logo", "@logo", mxMember, nil},
	{"GET /partner/account", "/partner/account", "", mxMember, nil},
	{"POST /partner/account", "/partner/account", "name=Portal+user&phone=&title=", mxMember, nil},
	{"GET /partner/account/password", "/partner/account/password", "", mxMember, nil},
	{"POST /partner/account/password", "/partner/account/password", "currentPassword=wrong&newPassword=another+password+1&confirm=another+password+1",
		"L 422 422 L L L L L L", nil},
	{"POST /partner/account/email", "/partner/account/email", "currentPassword=wrong&email=moved%40nowhere.example", "L 422 422 L L L L L L", nil},
}

// The API: a key, never a browser session. Keys belong to the vendor and
// see every partner, so A's and B's ids both answer; a key without the
// scope gets 403, and everyone without a key 401.
const (
	mxKeyRead    = "401 401 401 401 401 401 401 ok ok"  // partners:read
	mxKeyWrite   = "401 401 401 401 401 401 401 403 ok" // any other scope
	mxKeyContact = "401 401 401 401 401 401 401 403 ok|ok|404"
)

var mxAPIRoutes = []mxRoute{
	{"GET /api/v1/partners", "/api/v1/partners", "", mxKeyRead, nil},
	{"GET /api/v1/partners/{id}", "/api/v1/partners/{P}", "", mxKeyRead, nil},
	{"GET /api/v1/partners/{id}", "/api/v1/partners/{X}", "", mxKeyRead, nil}, // by CRM external id
	{"POST /api/v1/partners", "/api/v1/partners", `{"name":"{M} API {N}"}`, mxKeyWrite, nil},
	{"PATCH /api/v1/partners/{id}", "/api/v1/partners/{P}", `{"name":"{M} Patched {N}"}`, mxKeyWrite, mxNewPartner},
	// Creating with a taken domain updates that partner (Introw's upsert): its champion must be its own contact.
	{"POST /api/v1/partners", "/api/v1/partners", `{"name":"{M} Fresh {N}","domain":"{m}-fresh{N}.example","championContactId":"{C}","partnerOwnerId":"{OWNER}"}`,
		"401 401 401 401 401 401 401 403 ok|ok|422", mxOwnContact},
	{"POST /api/v1/partners/{id}/archive", "/api/v1/partners/{P}/archive", "", mxKeyWrite, mxNewPartner},
	{"POST /api/v1/partners/{id}/restore", "/api/v1/partners/{P}/restore", "", mxKeyWrite, mxArchived},

	// A contact under another partner's id is 404, as if it did not exist.
	{"GET /api/v1/partners/{id}/contacts", "/api/v1/partners/{P}/contacts", "", mxKeyWrite, nil},
	{"POST /api/v1/partners/{id}/contacts", "/api/v1/partners/{P}/contacts", `{"name":"{M} API person {N}","email":"{m}.api{N}@{m}.example"}`, mxKeyWrite, nil},
	{"GET /api/v1/partners/{id}/contacts/{contactId}", "/api/v1/partners/{P}/contacts/{C}", "", mxKeyContact, nil},
	{"PATCH /api/v1/partners/{id}/contacts/{contactId}", "/api/v1/partners/{P}/contacts/{C}", `{"title":"Partner lead"}`, mxKeyContact, mxNewContact},
	{"DELETE /api/v1/partners/{id}/contacts/{contactId}", "/api/v1/partners/{P}/contacts/{C}", "", mxKeyContact, mxNewContact},

	{"GET /api/v1/tiers", "/api/v1/tiers", "", mxKeyWrite, nil},
	{"GET /api/v1/tiers/{id}", "/api/v1/tiers/{TIER}", "", mxKeyWrite, nil},
	{"POST /api/v1/tiers", "/api/v1/tiers", `{"name":"API tier {N}"}`, mxKeyWrite, nil},
	{"PATCH /api/v1/tiers/{id}", "/api/v1/tiers/{TIER}", `{"rank":3}`, mxKeyWrite, mxNewTier},
	{"GET /api/v1/phases", "/api/v1/phases", "", mxKeyWrite, nil},
	{"GET /api/v1/phases/{id}", "/api/v1/phases/{PHASE}", "", mxKeyWrite, nil},
	{"POST /api/v1/phases", "/api/v1/phases", `{"name":"API phase {N}"}`, mxKeyWrite, nil},
	{"PATCH /api/v1/phases/{id}", "/api/v1/phases/{PHASE}", `{"position":3}`, mxKeyWrite, mxNewPhase},
	{"GET /api/v1/experience-templates", "/api/v1/experience-templates", "", mxKeyWrite, nil},
	{"GET /api/v1/experience-templates/{id}", "/api/v1/experience-templates/{TPL}", "", mxKeyWrite, nil},
	{"POST /api/v1/experience-templates", "/api/v1/experience-templates", `{"name":"API template {N}"}`, mxKeyWrite, nil},
	{"PATCH /api/v1/experience-templates/{id}", "/api/v1/experience-templates/{TPL}", `{"name":"API template {N}"}`, mxKeyWrite, mxNewTpl},

	{"GET /api/v1/users", "/api/v1/users", "", mxKeyWrite, nil},
	{"GET /api/v1/users/{id}", "/api/v1/users/{U}", "", mxKeyWrite, nil},
	{"GET /api/v1/audit-events", "/api/v1/audit-events", "", mxKeyWrite, nil},

	{"GET /api/v1/openapi.json", "/api/v1/openapi.json", "", mxPublic, nil},
	{"GET /api/v1/docs", "/api/v1/docs", "", mxPublic, nil},
	{"/api/v1/", "/api/v1/no-such-thing", "", mx404, nil},
}
