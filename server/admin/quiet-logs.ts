// Imported first by the command line tools: their logs are warnings and errors only (the server's own default is info).
process.env.LOG_LEVEL ??= 'warn';
