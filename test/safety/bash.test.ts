// The plain-script recogniser must accept and reject what Codex's tree-sitter walk does
// (codex-rs/shell-command/src/bash.rs tests), since safety decisions hang on it.
import { describe, expect, it } from "vitest";
import { parseBashLcHeredocPrefix, parseBashLcPlainCommands } from "../../src/safety/index.js";

const bash = (script: string) => ["bash", "-lc", script];

describe("parseBashLcPlainCommands (bash.rs)", () => {
  it.each<[string, string, string[][] | null]>([
    ["accepts_single_simple_command", "ls -1", [["ls", "-1"]]],
    [
      "accepts_multiple_commands_with_allowed_operators",
      "ls && pwd; echo 'hi there' | wc -l",
      [["ls"], ["pwd"], ["echo", "hi there"], ["wc", "-l"]],
    ],
    ["extracts_double_quoted_strings", 'echo "hello world"', [["echo", "hello world"]]],
    ["extracts_single_quoted_strings", "echo 'hi there'", [["echo", "hi there"]]],
    ["accepts_double_quoted_strings_with_newlines", 'git commit -m "line1\nline2"', [["git", "commit", "-m", "line1\nline2"]]],
    ["accepts_mixed_quote_concatenation", `echo "/usr"'/'"local"/bin`, [["echo", "/usr/local/bin"]]],
    ["accepts_mixed_quote_concatenation_single_first", `echo '/usr'"/"'local'/bin`, [["echo", "/usr/local/bin"]]],
    ["accepts_numbers_as_words", "echo 123 456", [["echo", "123", "456"]]],
    ["accepts_concatenated_flag_and_value", 'rg -n "foo" -g"*.py"', [["rg", "-n", "foo", "-g*.py"]]],
    ["accepts_concatenated_flag_with_single_quotes", "grep -n 'pattern' -g'*.txt'", [["grep", "-n", "pattern", "-g*.txt"]]],
    ["accepts_newline_separated_commands", "ls\npwd\n", [["ls"], ["pwd"]]],
    ["rejects_double_quoted_strings_with_expansions", 'echo "hi ${USER}"', null],
    ["rejects_double_quoted_variable", 'echo "$HOME"', null],
    ["rejects_parentheses_and_subshells", "(ls)", null],
    ["rejects_nested_subshell", "ls || (pwd && echo hi)", null],
    ["rejects_redirections", "ls > out.txt", null],
    ["rejects_background_operator", "echo hi & echo bye", null],
    ["rejects_command_substitution", "echo $(pwd)", null],
    ["rejects_backticks", "echo `pwd`", null],
    ["rejects_variable_expansion", "echo $HOME", null],
    ["rejects_variable_assignment_prefix", "FOO=bar ls", null],
    ["rejects_trailing_operator_parse_error", "ls &&", null],
    ["rejects_empty_command_position_with_leading_operator", "&& ls", null],
    ["rejects_empty_command_position_with_double_separator", "ls ;; pwd", null],
    ["rejects_empty_command_position_with_empty_pipeline_segment", "ls | | wc", null],
    ["rejects_concatenation_with_variable_substitution", 'rg -g"$VAR" pattern', null],
    ["rejects_concatenation_with_command_substitution", 'rg -g"$(pwd)" pattern', null],
    ["rejects_comments", "ls # list", null],
    ["rejects_control_flow", "if true; then ls; fi", null],
    ["empty_script_has_no_commands", "", []],
  ])("%s", (_name, script, expected) => {
    expect(parseBashLcPlainCommands(bash(script))).toEqual(expected);
  });

  it("parse_zsh_lc_plain_commands, sh -c and shell paths", () => {
    expect(parseBashLcPlainCommands(["zsh", "-lc", "ls"])).toEqual([["ls"]]);
    expect(parseBashLcPlainCommands(["/bin/bash", "-c", "ls"])).toEqual([["ls"]]);
    expect(parseBashLcPlainCommands(["sh", "-c", "ls"])).toEqual([["ls"]]);
    expect(parseBashLcPlainCommands(["fish", "-c", "ls"])).toBeNull();
    expect(parseBashLcPlainCommands(["bash", "-lc", "git", "status"])).toBeNull();
  });
});

describe("parseBashLcHeredocPrefix (parse_shell_lc_single_command_prefix)", () => {
  it.each<[string, string[], string[] | null]>([
    ["supports_heredoc", ["zsh", "-lc", "python3 <<'PY'\nprint('hello')\nPY"], ["python3"]],
    ["supports_unquoted_heredoc", ["zsh", "-lc", "python3 << PY\nprint('hello')\nPY"], ["python3"]],
    ["rejects_multi_command_scripts", bash("python3 <<'PY'\nprint('hello')\nPY\necho done"), null],
    ["rejects_non_heredoc_redirects", bash("echo hello > /tmp/out.txt"), null],
    ["accepts_heredoc_with_extra_redirect", bash("python3 <<'PY' > /tmp/out.txt\nprint('hello')\nPY"), ["python3"]],
    ["rejects_herestring_with_chaining", bash("echo hello > /tmp/out.txt && cat /tmp/out.txt"), null],
    ["rejects_herestring_with_substitution", bash('python3 <<< "$(rm -rf /)"'), null],
    ["rejects_arithmetic_shift_non_heredoc_script", bash("echo $((1<<2))"), null],
    ["rejects_heredoc_command_with_word_expansion", bash("python3 $((1<<2)) <<'PY'\nprint('hello')\nPY"), null],
  ])("%s", (_name, argv, expected) => {
    expect(parseBashLcHeredocPrefix(argv)).toEqual(expected);
  });
});
