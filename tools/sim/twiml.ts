import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type HttpMethod = 'GET' | 'POST';
export type Say = { verb: 'Say'; text: string; voice?: string; language?: string; loop: number };
export type Play = { verb: 'Play'; url: string; loop: number };
export type Pause = { verb: 'Pause'; length: number };
/** What may be nested in a <Gather>. */
export type Prompt = Say | Play | Pause;
export type Gather = {
  verb: 'Gather'; action?: string; method: HttpMethod; input: Array<'dtmf' | 'speech'>; timeout: number;
  finishOnKey: string; numDigits?: number; actionOnEmptyResult: boolean; prompts: Prompt[];
};
export type Redirect = { verb: 'Redirect'; url: string; method: HttpMethod };
/** `whisperUrls[i]`: the <Number url> TwiML run for the person answering numbers[i] before connecting. */
export type Dial = { verb: 'Dial'; action?: string; method: HttpMethod; numbers: string[]; whisperUrls: (string | null)[]; timeout: number; callerId?: string };
export type RecordVerb = { verb: 'Record'; action?: string; method: HttpMethod; maxLength: number; timeout: number; finishOnKey: string };
export type Hangup = { verb: 'Hangup' };
export type Reject = { verb: 'Reject'; reason: 'rejected' | 'busy' };
/** `<Connect><Stream>`: a bidirectional Media Stream; the verbs after it run when the socket closes. */
export type Connect = { verb: 'Connect'; stream: { url: string; parameters: Record<string, string> } };
/** A TwiML verb the simulator can run. */
/** `<Connect action><ConversationRelay url ...><Parameter/></ConversationRelay></Connect>`. */
export type ConnectRelay = {
  verb: 'ConnectRelay'; action?: string; method: HttpMethod; url: string; welcomeGreeting?: string;
  language?: string; interruptible: string; dtmfDetection: boolean; parameters: Record<string, string>;
  attributes: Record<string, string>;
};
/** A TwiML verb the simulator can run. */
export type Verb = Say | Play | Pause | Gather | Redirect | Dial | RecordVerb | Hangup | Reject | ConnectRelay | Connect;

/** A document Twilio would refuse: the caller hears "an application error has occurred". */
export class TwimlError extends Error {
  override name = 'TwimlError';
}

type XmlNode = { [tag: string]: XmlNode[] | string | Attributes };
type Attributes = { [name: string]: string };

const parser = new XMLParser({
  preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false,
  parseAttributeValue: false, trimValues: false, ignoreDeclaration: true, ignorePiTags: true,
});
const KNOWN_TWILIO_VERBS = new Set(['Enqueue', 'Leave', 'Pay', 'Prompt', 'Queue', 'Refer', 'Sms', 'Start', 'Stop', 'Stream', 'Siprec', 'Echo']);

/** Parses a TwiML voice document into verbs; throws TwimlError where Twilio would fail the call. */
export function parseTwiml(xml: string): Verb[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new TwimlError(`invalid XML: ${valid.err.msg} (line ${valid.err.line})`);
  const roots = (parser.parse(xml) as XmlNode[]).filter((node) => !isBlankText(node));
  if (roots.length !== 1 || tagOf(roots[0]!) !== 'Response') {
    throw new TwimlError(`the root element must be a single <Response>, got ${roots.map(describe).join(', ') || 'nothing'}`);
  }
  return childrenOf(roots[0]!).map(toVerb);
}

function toVerb(node: XmlNode): Verb {
  const tag = tagOf(node);
  const attrs = attrsOf(node);
  switch (tag) {
    case 'Say': case 'Play': case 'Pause': return toPrompt(node);
    case 'Gather': return {
      verb: 'Gather', action: attrs.action, method: methodOf(attrs), input: inputOf(attrs.input),
      timeout: intOf(attrs.timeout, 5), finishOnKey: attrs.finishOnKey ?? '#',
      numDigits: attrs.numDigits === undefined ? undefined : intOf(attrs.numDigits, 1),
      actionOnEmptyResult: attrs.actionOnEmptyResult === 'true', prompts: childrenOf(node).map(toPrompt),
    };
    case 'Redirect': {
      const url = textOf(node);
      if (!url) throw new TwimlError('<Redirect> without a URL');
      return { verb: 'Redirect', url, method: methodOf(attrs) };
    }
    case 'Dial': {
      const nouns = childrenOf(node).filter((child) => tagOf(child) === 'Number');
      return { verb: 'Dial', action: attrs.action, method: methodOf(attrs), numbers: dialNumbers(node),
        whisperUrls: nouns.map((noun) => attrsOf(noun).url ?? null), timeout: intOf(attrs.timeout, 30), callerId: attrs.callerId };
    }
    case 'Record': return {
      verb: 'Record', action: attrs.action, method: methodOf(attrs), maxLength: intOf(attrs.maxLength, 3600),
      timeout: intOf(attrs.timeout, 5), finishOnKey: attrs.finishOnKey ?? '1234567890*#',
    };
    case 'Hangup': return { verb: 'Hangup' };
    case 'Reject': return { verb: 'Reject', reason: attrs.reason === 'busy' ? 'busy' : 'rejected' };
    case 'Connect': {
      const noun = childrenOf(node)[0];
      return noun && tagOf(noun) === 'Stream' && childrenOf(node).length === 1
        ? { verb: 'Connect', stream: connectStream(node) } : toConnect(node);
    }
    default: throw unknown(node, 'a verb of <Response>');
  }
}

function toPrompt(node: XmlNode): Prompt {
  const attrs = attrsOf(node);
  switch (tagOf(node)) {
    case 'Say': return { verb: 'Say', text: textOf(node), voice: attrs.voice, language: attrs.language, loop: intOf(attrs.loop, 1) };
    case 'Play': return { verb: 'Play', url: textOf(node), loop: intOf(attrs.loop, 1) };
    case 'Pause': return { verb: 'Pause', length: intOf(attrs.length, 1) };
    default: throw unknown(node, 'nested in <Gather>');
  }
}

/** The <Stream> of a <Connect>: a wss (ws locally) URL without a query, and its <Parameter>s. */
function connectStream(node: XmlNode): Connect['stream'] {
  const nouns = childrenOf(node);
  if (nouns.length !== 1 || tagOf(nouns[0]!) !== 'Stream') {
    throw new TwimlError(`<Connect> must hold one <Stream> (the simulator plays no other), got ${nouns.map(describe).join(', ') || 'nothing'}`);
  }
  const stream = nouns[0]!;
  const url = attrsOf(stream).url;
  if (!url || !/^wss?:\/\//.test(url)) throw new TwimlError('<Stream> needs a ws(s):// url');
  if (url.includes('?')) throw new TwimlError('<Stream> url may not carry a query string (use <Parameter>)');
  const parameters: Record<string, string> = {};
  for (const p of childrenOf(stream)) {
    if (tagOf(p) !== 'Parameter') throw new TwimlError(`<Stream><${tagOf(p)}> is not a <Parameter>`);
    const a = attrsOf(p);
    if (!a.name) throw new TwimlError('<Parameter> without a name');
    parameters[a.name] = a.value ?? '';
  }
  return { url, parameters };
}

// Twilio's ConversationRelay: `url` is required and must be a WebSocket URL; only <Language> and
// <Parameter> may be nested.
function toConnect(node: XmlNode): ConnectRelay {
  const attrs = attrsOf(node);
  const nouns = childrenOf(node);
  if (nouns.length !== 1 || tagOf(nouns[0]!) !== 'ConversationRelay') {
    throw new TwimlError(`<Connect> must hold exactly one noun; the simulator plays only <ConversationRelay> and <Stream>, got ${nouns.map(describe).join(', ') || 'nothing'}`);
  }
  const relay = nouns[0]!;
  const r = attrsOf(relay);
  if (!r.url || !/^wss?:\/\//.test(r.url)) throw new TwimlError('<ConversationRelay> needs a ws:// or wss:// url');
  const parameters: Record<string, string> = {};
  for (const child of childrenOf(relay)) {
    const tag = tagOf(child);
    if (tag === 'Parameter') {
      const p = attrsOf(child);
      if (!p.name) throw new TwimlError('<Parameter> without a name');
      parameters[p.name] = p.value ?? '';
    } else if (tag !== 'Language') throw unknown(child, 'nested in <ConversationRelay>');
  }
  const interruptible = r.interruptible ?? 'any';
  if (!['none', 'dtmf', 'speech', 'any', 'true', 'false'].includes(interruptible)) {
    throw new TwimlError(`<ConversationRelay interruptible="${interruptible}"> is not one of none, dtmf, speech, any`);
  }
  return {
    verb: 'ConnectRelay', action: attrs.action, method: methodOf(attrs), url: r.url, welcomeGreeting: r.welcomeGreeting,
    language: r.language, interruptible, dtmfDetection: r.dtmfDetection === 'true', parameters, attributes: r,
  };
}

function dialNumbers(node: XmlNode): string[] {
  const nouns = childrenOf(node).filter((child) => tagOf(child) !== '#text');
  if (nouns.length === 0) {
    const number = textOf(node);
    if (!number) throw new TwimlError('<Dial> without a number');
    return [number];
  }
  if (nouns.length !== childrenOf(node).length) throw new TwimlError('<Dial> mixes a number as text with nested nouns');
  return nouns.map((noun) => {
    if (tagOf(noun) !== 'Number') throw new TwimlError(`<Dial><${tagOf(noun)}> is not supported by the simulator (only <Number>)`);
    return textOf(noun);
  });
}

function unknown(node: XmlNode, where: string): TwimlError {
  const tag = tagOf(node);
  if (tag === '#text') return new TwimlError(`unexpected text "${String(node['#text']).trim()}" as ${where}`);
  if (KNOWN_TWILIO_VERBS.has(tag)) return new TwimlError(`<${tag}> is not supported by the simulator`);
  return new TwimlError(`unknown verb <${tag}> as ${where}`);
}

function tagOf(node: XmlNode): string {
  return Object.keys(node).find((key) => key !== ':@')!;
}
function attrsOf(node: XmlNode): Attributes {
  return (node[':@'] as Attributes | undefined) ?? {};
}
function isBlankText(node: XmlNode): boolean {
  return tagOf(node) === '#text' && String(node['#text']).trim() === '';
}
/** Element children; blank text between elements is formatting, not content. */
function childrenOf(node: XmlNode): XmlNode[] {
  return (node[tagOf(node)] as XmlNode[]).filter((child) => !isBlankText(child));
}
/** All text inside an element (SSML children included), whitespace collapsed. */
function textOf(node: XmlNode): string {
  const collect = (nodes: XmlNode[]): string =>
    nodes.map((child) => (tagOf(child) === '#text' ? String(child['#text']) : ` ${collect(child[tagOf(child)] as XmlNode[])} `)).join('');
  return collect(node[tagOf(node)] as XmlNode[]).replace(/\s+/g, ' ').trim();
}
function describe(node: XmlNode): string {
  return tagOf(node) === '#text' ? 'text' : `<${tagOf(node)}>`;
}
// Twilio answers a malformed attribute value with a warning and uses the default.
function methodOf(attrs: Attributes): HttpMethod {
  return attrs.method?.toUpperCase() === 'GET' ? 'GET' : 'POST';
}
function intOf(value: string | undefined, fallback: number): number {
  const parsed = value === undefined ? NaN : Number(value);
  return Number.isInteger(parsed) && parsed >= 0 ? parsed : fallback;
}
function inputOf(value: string | undefined): Array<'dtmf' | 'speech'> {
  const kinds = (value ?? 'dtmf').split(/\s+/).filter((kind): kind is 'dtmf' | 'speech' => kind === 'dtmf' || kind === 'speech');
  return kinds.length > 0 ? kinds : ['dtmf'];
}
