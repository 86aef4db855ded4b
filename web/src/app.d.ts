import type { Member } from '$lib/server/auth';

declare global {
  namespace App {
    interface Locals {
      /** The signed-in active team member, or null for a visitor. */
      member: Member | null;
      /** The subject of a valid session that is not an active team member (gets a 403). */
      outsider: string | null;
    }
    interface Error {
      message: string;
    }
  }
}

export {};
