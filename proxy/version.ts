/** TS-proxy version reported by the admin API and `--version`. */
export const TS_PROXY_VERSION = '0.1.0';
