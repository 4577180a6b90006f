// Owners as asset.yaml writes them: a team or person, optionally `Name <email>`.

/** An owner split into the name to show and the email, when written `Name <email>`. */
export function parseOwner(owner: string): { name: string; email?: string } {
  const m = /^\s*(.*?)\s*<([^<>\s]+)>\s*$/.exec(owner);
  if (!m) return { name: owner.trim() };
  return { name: m[1] || m[2], email: m[2] };
}

/** The owner's display name: `Priya Raman` for `Priya Raman <priya@example.com>`, the owner as written otherwise. */
export function ownerName(owner: string): string {
  return parseOwner(owner).name;
}
