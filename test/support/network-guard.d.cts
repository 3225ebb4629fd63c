// Types for network-guard.cjs (plain CommonJS so that `node --require` can load it untranspiled).

/** Installs the guard once per process (loading the module already did). */
export declare function install(): void;
/** Restores the original network functions. */
export declare function uninstall(): void;
export declare function isInstalled(): boolean;
/** True for loopback addresses, `localhost`, `*.localhost`, 0.0.0.0 and ::. */
export declare function isLoopbackHost(host: unknown): boolean;
/** The `code` of every error the guard throws. */
export declare const CODE: "ENCLAVE_NETWORK_BLOCKED";
