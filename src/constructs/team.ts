/**
 * Rosters built from other values: anything with a `members` list can be a participant
 * source, and `Team` is a small construct that is one. Sources are read at synthesis, so
 * members added after a chat was declared still end up in its roster.
 */
import { Construct } from "constructs";

/** Anything whose `members` are participant handles (phone numbers or emails). */
export interface IParticipantSource {
  readonly members: readonly string[];
}

/** A handle, or a source whose members are all added. */
export type ParticipantEntry = string | IParticipantSource;

/** What a chat's `participants` accepts: a list of handles and sources, or one source. */
export type ParticipantsInput = readonly ParticipantEntry[] | IParticipantSource;

export function isParticipantSource(x: unknown): x is IParticipantSource {
  return (
    typeof x === "object" &&
    x !== null &&
    !Array.isArray(x) &&
    Array.isArray((x as { members?: unknown }).members)
  );
}

/** Flattens entries into handles, in declaration order (the resolver sorts and dedupes). */
export function expandParticipants(entries: readonly ParticipantEntry[]): string[] {
  const out: string[] = [];
  for (const entry of entries) {
    if (typeof entry === "string") out.push(entry);
    else if (isParticipantSource(entry)) out.push(...entry.members);
    // Anything else is kept as-is so the resolver reports it with the YAML path's message.
    else out.push(entry as unknown as string);
  }
  return out;
}

export function participantEntries(input: ParticipantsInput | undefined): ParticipantEntry[] {
  if (input === undefined) return [];
  if (isParticipantSource(input)) return [input];
  return [...input];
}

export interface TeamProps {
  /**
   * The team's handles (phone numbers in international format or iMessage emails).
   * @default []
   */
  readonly members?: readonly string[];
}

export class Team extends Construct implements IParticipantSource {
  private readonly memberList: string[];

  constructor(scope: Construct, id: string, props: TeamProps = {}) {
    super(scope, id);
    this.memberList = [...(props.members ?? [])];
  }

  /** A copy of the current members: spreading it takes a snapshot. */
  get members(): readonly string[] {
    return [...this.memberList];
  }

  addMember(...handles: string[]): this {
    this.memberList.push(...handles);
    return this;
  }
}
