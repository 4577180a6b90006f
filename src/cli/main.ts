// genai-assets: the command-line twin of the extension (validate, list, show, approve, ...).

process.stdout.write('genai-assets: under construction\n');
