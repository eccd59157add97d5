/** A structured logger: one JSON line per event, tagged with the service and request. */
export interface LogFields {
  [key: string]: string | number | boolean | undefined;
}

export interface Logger {
  info(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export function createLogger(service: string, base: LogFields = {}): Logger {
  const write = (level: string, message: string, fields: LogFields = {}) => {
    const line = { time: new Date().toISOString(), level, service, message, ...base, ...fields };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  };
  return {
    info: (message, fields) => write('info', message, fields),
    error: (message, fields) => write('error', message, fields),
    child: (fields) => createLogger(service, { ...base, ...fields }),
  };
}
