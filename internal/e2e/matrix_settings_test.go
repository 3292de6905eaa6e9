package e2e_test

// The settings, the audit log and the staff user's own account. Settings
// are the owners' and admins'; the audit log needs the audit permission
// (the same two roles). See mxAdminRoutes for how to read a line.
var mxSettingsRoutes = []mxRoute{
	{"GET /admin/settings", "/admin/settings", "", mxAdmins, nil},

	{"GET /admin/settings/tiers", "/admin/settings/tiers", "", mxAdmins, nil},
	{"POST /admin/settings/tiers", "/admin/settings/tiers", "name=Tier+{N}&rank=1&price=0", mxAdmins, nil},
	{"GET /admin/settings/tiers/{id}", "/admin/settings/tiers/{TIER}", "", mxAdmins, nil},
	{"POST /admin/settings/tiers/{id}", "/admin/settings/tiers/{TIER}", "name=Tier+{N}&rank=2&price=0&version={V}", mxAdmins, mxNewTier},

	{"GET /admin/settings/phases", "/admin/settings/phases", "", mxAdmins, nil},
	{"POST /admin/settings/phases", "/admin/settings/phases", "name=Phase+{N}&position=1", mxAdmins, nil},
	{"GET /admin/settings/phases/{id}", "/admin/settings/phases/{PHASE}", "", mxAdmins, nil},
	{"POST /admin/settings/phases/{id}", "/admin/settings/phases/{PHASE}", "name=Phase+{N}&position=2&version={V}", mxAdmins, mxNewPhase},

	{"GET /admin/settings/properties", "/admin/settings/properties", "", mxAdmins, nil},
	{"POST /admin/settings/properties", "/admin/settings/properties", "key=extra_{N}&label=Extra+{N}&type=text&source=custom", mxAdmins, nil},
	{"GET /admin/settings/properties/{id}", "/admin/settings/properties/{PROP}", "", mxAdmins, nil},
	{"POST /admin/settings/properties/{id}", "/admin/settings/properties/{PROP}", "key=extra_{N}&label=Renamed+{N}&type=text&source=custom&version={V}", mxAdmins, mxNewProp},
	{"GET /admin/settings/properties/{id}/delete", "/admin/settings/properties/{PROP}/delete", "", mxAdmins, nil},
	{"POST /admin/settings/properties/{id}/delete", "/admin/settings/properties/{PROP}/delete", "", mxAdmins, mxNewProp},

	{"GET /admin/settings/templates", "/admin/settings/templates", "", mxAdmins, nil},
	{"GET /admin/settings/templates/new", "/admin/settings/templates/new", "", mxAdmins, nil},
	{"POST /admin/settings/templates", "/admin/settings/templates", "name=Template+{N}&section=dashboard", mxAdmins, nil},
	{"GET /admin/settings/templates/{id}", "/admin/settings/templates/{TPL}", "", mxAdmins, nil},
	{"POST /admin/settings/templates/{id}", "/admin/settings/templates/{TPL}", "name=Template+{N}&section=dashboard&version={V}", mxAdmins, mxNewTpl},

	{"GET /admin/settings/users", "/admin/settings/users", "", mxAdmins, nil},
	{"POST /admin/settings/users", "/admin/settings/users", "email=new{N}%40vendor.example&name=New+{N}&role=viewer&password=a+long+password+{N}", mxAdmins, nil},
	{"GET /admin/settings/users/{id}", "/admin/settings/users/{U}", "", mxAdmins, nil},
	{"POST /admin/settings/users/{id}", "/admin/settings/users/{U}", "name=Renamed+{N}&role=viewer&version={V}", mxAdmins, mxNewUser},
	{"POST /admin/settings/users/{id}/disable", "/admin/settings/users/{U}/disable", "", mxAdmins, mxNewUser},
	{"POST /admin/settings/users/{id}/enable", "/admin/settings/users/{U}/enable", "", mxAdmins, mxDisabledUser},
	{"POST /admin/settings/users/{id}/password", "/admin/settings/users/{U}/password", "password=a+long+password+{N}", mxAdmins, mxNewUser},
	{"POST /admin/settings/users/{id}/totp/reset", "/admin/settings/users/{U}/totp/reset", "", mxAdmins, mxNewUser},
	{"POST /admin/settings/users/{id}/grants", "/admin/settings/users/{U}/grants", "partner={P}", mxAdmins, mxNewUser},
	{"POST /admin/settings/users/{id}/grants/{partner}/revoke", "/admin/settings/users/{U}/grants/{P}/revoke", "", mxAdmins, mxUserGranted},

	{"GET /admin/settings/api-keys", "/admin/settings/api-keys", "", mxAdmins, nil},
	{"POST /admin/settings/api-keys", "/admin/settings/api-keys", "name=Key+{N}&scope=partners%3Aread", mxAdmins, nil},
	{"POST /admin/settings/api-keys/{id}/revoke", "/admin/settings/api-keys/{KEY}/revoke", "", mxAdmins, mxNewKey},

	// The vendor's own event subscriptions: their deliveries carry every partner's leads.
	{"GET /admin/settings/webhooks", "/admin/settings/webhooks", "", mxAdmins, nil},
	{"POST /admin/settings/webhooks", "/admin/settings/webhooks", "url=https%3A%2F%2Fhooks.vendor.example%2F{N}&event=lead.created&description=Matrix", mxAdmins, nil},
	{"GET /admin/settings/webhooks/{id}", "/admin/settings/webhooks/{SUB}", "", mxAdmins, nil},
	{"POST /admin/settings/webhooks/{id}", "/admin/settings/webhooks/{SUB}", "url=https%3A%2F%2Fhooks.vendor.example%2F{N}&event=lead.assigned&description=Renamed", mxAdmins, mxNewSub},
	{"POST /admin/settings/webhooks/{id}/rotate", "/admin/settings/webhooks/{SUB}/rotate", "", mxAdmins, mxNewSub},
	{"POST /admin/settings/webhooks/{id}/delete", "/admin/settings/webhooks/{SUB}/delete", "", mxAdmins, mxNewSub},

	{"GET /admin/settings/branding", "/admin/settings/branding", "", mxAdmins, nil},
	{"POST /admin/settings/branding", "/admin/settings/branding", "vendorName=Vendor&accentPicker=%23336699&quietDays=60", mxAdmins, nil},
	{"GET /admin/settings/email", "/admin/settings/email", "", mxAdmins, nil},
	{"POST /admin/settings/email", "/admin/settings/email", "smtpHost=&smtpPort=&smtpUsername=&smtpFrom=", mxAdmins, nil},
	{"POST /admin/settings/email/test", "/admin/settings/email/test", "to=owner%40vendor.example", mxAdmins, nil},

	// The whole log, every partner's events in it: only for those who see every partner.
	{"GET /admin/audit", "/admin/audit", "", mxAdmins, nil},
	{"GET /admin/audit", "/admin/audit?partner={P}", "", mxAdmins, nil},
	{"GET /admin/audit.csv", "/admin/audit.csv", "", mxAdmins, nil},
	{"GET /admin/audit.csv", "/admin/audit.csv?partner={P}", "", mxAdmins, nil},

	// One's own account. Wrong current passwords and codes keep the
	// sessions of the callers alive for the lines after.
	{"GET /admin/account", "/admin/account", "", mxStaff, nil},
	{"POST /admin/account", "/admin/account", "name=Staff+member", mxStaff, nil},
	{"POST /admin/account/password", "/admin/account/password", "currentPassword=wrong&newPassword=another+password+1&confirmPassword=another+password+1",
		"L L L 422 422 422 422 L L", nil},
	{"POST /admin/account/email", "/admin/account/email", "currentPassword=wrong&email=moved%40vendor.example", "L L L 422 422 422 422 L L", nil},
	{"POST /admin/account/totp", "/admin/account/totp", "", mxStaff, nil},
	{"POST /admin/account/totp/enable", "/admin/account/totp/enable", "code=000000", "L L L 422 422 422 422 L L", nil},
	{"POST /admin/account/totp/disable", "/admin/account/totp/disable", "password=wrong", "L L L 422 422 422 422 L L", nil},
	{"GET /admin/email/{token}", "/admin/email/{TOKEN}", "", mx404, nil},
	{"POST /admin/email/{token}", "/admin/email/{TOKEN}", "", mx404, nil},
}
