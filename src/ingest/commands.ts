export type AgentCommand = 'resolve' | 'pending' | 'assign_me' | 'close' | 'note';

const COMMANDS: Record<string, AgentCommand> = {
  '#resolve': 'resolve',
  '#resolved': 'resolve',
  '#resolver': 'resolve',
  '#résoudre': 'resolve',
  '#pending': 'pending',
  '#pendiente': 'pending',
  '#attente': 'pending',
  '#assign me': 'assign_me',
  '#asignarme': 'assign_me',
  '#assigner moi': 'assign_me',
  '#close': 'close',
  '#cerrar': 'close',
  '#fermer': 'close',
  '#nota': 'note',
  '#note': 'note',
};

/** `#respuesta nombre` (es), `#answer name` (en), `#reponse nom` / `#réponse nom` (fr): a canned answer by name. */
const CANNED = /^#(?:respuesta|answer|r[eé]ponse) (\S.*)$/;

/**
 * Agent commands on the first lines of a mail (`#resolve`, `#pending`, `#assign me`, `#close`, `#note`, and
 * canned answers by name) and the rest.
 */
export function agentCommands(text: string): { commands: AgentCommand[]; canned: string[]; rest: string } {
  const lines = text.split('\n');
  const commands: AgentCommand[] = [];
  const canned: string[] = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
    if (!line) continue;
    const name = CANNED.exec(line)?.[1];
    if (name) {
      if (!canned.includes(name)) canned.push(name);
      continue;
    }
    const cmd = COMMANDS[line];
    if (!cmd) break;
    if (!commands.includes(cmd)) commands.push(cmd);
  }
  const found = commands.length + canned.length > 0;
  return { commands, canned, rest: found ? lines.slice(i).join('\n').trim() : text.trim() };
}

const WORDS: Record<AgentCommand, Record<'es' | 'en' | 'fr', string>> = {
  resolve: { es: '#resolver', en: '#resolve', fr: '#résoudre' },
  pending: { es: '#pendiente', en: '#pending', fr: '#attente' },
  assign_me: { es: '#asignarme', en: '#assign me', fr: '#assigner moi' },
  close: { es: '#cerrar', en: '#close', fr: '#fermer' },
  note: { es: '#nota', en: '#note', fr: '#note' },
};

const CANNED_WORDS: Record<'es' | 'en' | 'fr', string> = { es: '#respuesta', en: '#answer', fr: '#reponse' };

/** `#respuesta nombre` as an agent writes it in their language. */
export const cannedWord = (name: string, lang: string): string =>
  `${CANNED_WORDS[lang === 'en' || lang === 'fr' ? lang : 'es']} ${name}`;

/** A command as an agent writes it in their language (for the answers that name it). */
export const commandWord = (c: AgentCommand, lang: string): string =>
  WORDS[c][lang === 'en' || lang === 'fr' ? lang : 'es'];
