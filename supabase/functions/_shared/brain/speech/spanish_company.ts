/**
 * "Me llamo Lucía Gómez, de Fontanería Gómez": in Spanish a caller's company follows a bare "de",
 * the same word that joins surnames ("Juan de la Torre") and ordinary phrases ("de acuerdo", "de
 * nada", "de lunes a viernes", "de mañana"). In the English gloss such a "de" becomes "from" (which
 * the name and company parsers already read) only when what follows looks like a business: a trade
 * word ("Fontanería", "Construcciones", "Dental"), or a capitalised name set off by a comma.
 */

/** Words that name a kind of business, in either language, lower-case. */
const TRADE_WORDS = new Set(
  ('empresa compañía compania negocio clínica clinica consultorio tienda restaurante taller grupo servicios ' +
    'construcciones constructora inmobiliaria abogados despacho estudio farmacia hotel café cafe transportes ' +
    'seguros distribuidora comercial industrias soluciones asociados hermanos academia agencia salón salon ' +
    'gimnasio escuela colegio veterinaria dental limpieza mudanzas jardinería plomería electricidad ' +
    'company business plumbing roofing construction group clinic bakery ' +
    'landscaping law realty insurance cleaning consulting solutions').split(/\s+/),
);
/** Trades named with "-ería": panadería, fontanería, taquería, ferretería, peluquería... */
const ERIA = /(?:ería|eria)$/u;

/** Words after "de" that start an ordinary phrase, never a company (some already glossed to English). */
const NOT_COMPANY = new Set(
  ('acuerdo nada verdad nuevo todo todos hecho veras pronto repente momento vez parte inmediato ' +
    'lunes martes miércoles miercoles jueves viernes sábado sabado domingo mañana manana tarde noche hoy ' +
    'enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre ' +
    'monday tuesday wednesday thursday friday saturday sunday tomorrow today week the next yes am pm in ' +
    'un una unos unas mi mis su sus tu tus nuestra nuestro este esta ese esa eso esto lo que donde dónde ' +
    'cuando quien usted ustedes').split(/\s+/),
);
const ARTICLES = new Set(['la', 'el', 'los', 'las']);

function bare(token: string): string {
  return token.replace(/[,.;:!?]+$/u, '');
}

function isTrade(word: string): boolean {
  const w = word.toLowerCase();
  return TRADE_WORDS.has(w) || (ERIA.test(w) && w.length > 5);
}

/** The gloss with "de <Company>" read as "from <Company>" where the words after it name a business. */
export function markCompanyFrom(gloss: string): string {
  const tokens = gloss.split(' ');
  for (let i = 1; i < tokens.length - 1; i++) {
    if (tokens[i] !== 'de' && tokens[i] !== 'del') continue;
    const comma = tokens[i - 1].endsWith(',');
    // "de la Panadería Soto", "del Restaurante Sol": the article comes along as "the".
    const article = tokens[i] === 'del' || ARTICLES.has(tokens[i + 1]);
    const start = i + (tokens[i] === 'de' && article ? 2 : 1);
    const first = tokens[start] && bare(tokens[start]);
    if (!first || !/^\p{L}/u.test(first) || NOT_COMPANY.has(first.toLowerCase())) continue;
    // The company's words: up to four, to the end of the clause.
    const words: string[] = [];
    for (let j = start; j < tokens.length && words.length < 4; j++) {
      words.push(bare(tokens[j]));
      if (bare(tokens[j]) !== tokens[j]) break;
    }
    const named = comma && !article && /^\p{Lu}/u.test(first);
    if (!words.some(isTrade) && !named) continue;
    tokens.splice(i, start - i, article ? 'from the' : 'from');
  }
  return tokens.join(' ');
}
