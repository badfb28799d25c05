package admin

// FixLinkForTest exposes fixLink, where the site health page sends a
// finding to be fixed.
var FixLinkForTest = fixLink
