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

/**
 * Agent commands on the first lines of a mail (`#resolve`, `#pending`, `#assign me`, `#close`, `#note`) and the
 * rest.
 */
export function agentCommands(text: string): { commands: AgentCommand[]; rest: string } {
  const lines = text.split('\n');
  const commands: AgentCommand[] = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
    if (!line) continue;
    const cmd = COMMANDS[line];
    if (!cmd) break;
    if (!commands.includes(cmd)) commands.push(cmd);
  }
  return { commands, rest: commands.length ? lines.slice(i).join('\n').trim() : text.trim() };
}

const WORDS: Record<AgentCommand, Record<'es' | 'en' | 'fr', string>> = {
  resolve: { es: '#resolver', en: '#resolve', fr: '#résoudre' },
  pending: { es: '#pendiente', en: '#pending', fr: '#attente' },
  assign_me: { es: '#asignarme', en: '#assign me', fr: '#assigner moi' },
  close: { es: '#cerrar', en: '#close', fr: '#fermer' },
  note: { es: '#nota', en: '#note', fr: '#note' },
};

/** A command as an agent writes it in their language (for the answers that name it). */
export const commandWord = (c: AgentCommand, lang: string): string =>
  WORDS[c][lang === 'en' || lang === 'fr' ? lang : 'es'];
