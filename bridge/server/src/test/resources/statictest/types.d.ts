export declare const x: number;
