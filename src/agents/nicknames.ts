import { randomInt } from "node:crypto";

/** The names Codex gives sub-agents (codex-rs/core/src/agent/agent_names.txt), in its order. */
export const AGENT_NICKNAMES: readonly string[] = ["Euclid", "Archimedes", "Ptolemy", "Hypatia", "Avicenna", "Averroes", "Aquinas", "Copernicus", "Kepler", "Galileo", "Bacon", "Descartes", "Pascal", "Fermat", "Huygens", "Leibniz", "Newton", "Halley", "Euler", "Lagrange", "Laplace", "Volta", "Gauss", "Ampere", "Faraday", "Darwin", "Lovelace", "Boole", "Pasteur", "Maxwell", "Mendel", "Curie", "Planck", "Tesla", "Poincare", "Noether", "Hilbert", "Einstein", "Raman", "Bohr", "Turing", "Hubble", "Feynman", "Franklin", "McClintock", "Meitner", "Herschel", "Linnaeus", "Wegener", "Chandrasekhar", "Sagan", "Goodall", "Carson", "Carver", "Socrates", "Plato", "Aristotle", "Epicurus", "Cicero", "Confucius", "Mencius", "Zeno", "Locke", "Hume", "Kant", "Hegel", "Kierkegaard", "Mill", "Nietzsche", "Peirce", "James", "Dewey", "Russell", "Popper", "Sartre", "Beauvoir", "Arendt", "Rawls", "Singer", "Anscombe", "Parfit", "Kuhn", "Boyle", "Hooke", "Harvey", "Dalton", "Ohm", "Helmholtz", "Gibbs", "Lorentz", "Schrodinger", "Heisenberg", "Pauli", "Dirac", "Bernoulli", "Godel", "Nash", "Banach", "Ramanujan", "Erdos", "Jason"];

/** Nicknames in use: a new agent gets a free one at random (Codex's choice), then a new round starts. */
export class NicknamePool {
  private readonly used = new Set<string>();

  take(): string {
    let free = AGENT_NICKNAMES.filter((name) => !this.used.has(name));
    if (free.length === 0) {
      this.used.clear();
      free = [...AGENT_NICKNAMES];
    }
    const name = free[randomInt(free.length)]!;
    this.used.add(name);
    return name;
  }

  /** A nickname an agent reopened from its log already has. */
  hold(name: string): void {
    this.used.add(name);
  }

  release(name: string): void {
    this.used.delete(name);
  }
}
