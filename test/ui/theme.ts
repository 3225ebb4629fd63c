/**
 * Stand-ins for the CSS variables and body class VS Code gives a webview, from its Light Modern and
 * Dark Modern themes, so screenshots and contrast look as they would in the side bar.
 */
export interface Theme {
    name: "light" | "dark";
    bodyClass: string;
    /** The side bar's background, which VS Code paints behind the (transparent) webview. */
    background: string;
    variables: Record<string, string>;
}

const shared = {
    "--vscode-font-family": "system-ui, -apple-system, 'Segoe UI', Ubuntu, 'Droid Sans', sans-serif",
    "--vscode-font-size": "13px",
    "--vscode-font-weight": "normal",
    "--vscode-editor-font-family": "'Droid Sans Mono', 'monospace', monospace",
    "--vscode-editor-font-size": "12px"
};

export const lightTheme: Theme = {
    name: "light",
    bodyClass: "vscode-light",
    background: "#f8f8f8",
    variables: {
        ...shared,
        "--vscode-foreground": "#3b3b3b",
        "--vscode-descriptionForeground": "#3b3b3b",
        "--vscode-errorForeground": "#f85149",
        "--vscode-focusBorder": "#005fb8",
        "--vscode-sideBar-background": "#f8f8f8",
        "--vscode-editor-background": "#ffffff",
        "--vscode-widget-border": "#e5e5e5",
        "--vscode-panel-border": "#e5e5e5",
        "--vscode-button-background": "#005fb8",
        "--vscode-button-foreground": "#ffffff",
        "--vscode-button-hoverBackground": "#0258a8",
        "--vscode-button-secondaryBackground": "#e5e5e5",
        "--vscode-button-secondaryForeground": "#3b3b3b",
        "--vscode-button-secondaryHoverBackground": "#cccccc",
        "--vscode-toolbar-hoverBackground": "rgba(184, 184, 184, 0.31)",
        "--vscode-input-background": "#ffffff",
        "--vscode-input-foreground": "#3b3b3b",
        "--vscode-input-border": "#cecece",
        "--vscode-input-placeholderForeground": "#767676",
        "--vscode-inputOption-activeBackground": "#bed6ed",
        "--vscode-inputOption-activeBorder": "#005fb8",
        "--vscode-inputOption-activeForeground": "#000000",
        "--vscode-textLink-foreground": "#005fb8",
        "--vscode-textLink-activeForeground": "#005fb8",
        "--vscode-textCodeBlock-background": "#f8f8f8",
        "--vscode-textPreformat-foreground": "#3b3b3b",
        "--vscode-textPreformat-background": "rgba(0, 0, 0, 0.1)",
        "--vscode-textBlockQuote-background": "#f8f8f8",
        "--vscode-textBlockQuote-border": "#e5e5e5",
        "--vscode-badge-background": "#cccccc",
        "--vscode-badge-foreground": "#3b3b3b",
        "--vscode-list-hoverBackground": "#f2f2f2",
        "--vscode-list-inactiveSelectionBackground": "#e4e6f1",
        "--vscode-editor-inactiveSelectionBackground": "#e5ebf1",
        "--vscode-inputValidation-warningBackground": "#f6f5d2",
        "--vscode-inputValidation-warningBorder": "#b89500",
        "--vscode-inputValidation-errorBackground": "#f2dede",
        "--vscode-inputValidation-errorBorder": "#be1100",
        "--vscode-progressBar-background": "#005fb8",
        "--vscode-editorWarning-foreground": "#bf8803",
        "--vscode-scrollbarSlider-background": "rgba(100, 100, 100, 0.4)",
        "--vscode-debugTokenExpression-name": "#9b46b0",
        "--vscode-debugTokenExpression-string": "#a31515",
        "--vscode-debugTokenExpression-number": "#098658",
        "--vscode-debugTokenExpression-error": "#e51400",
        "--vscode-symbolIcon-functionForeground": "#652d90",
        "--vscode-symbolIcon-classForeground": "#d67e00",
        "--vscode-symbolIcon-variableForeground": "#007acc"
    }
};

export const darkTheme: Theme = {
    name: "dark",
    bodyClass: "vscode-dark",
    background: "#181818",
    variables: {
        ...shared,
        "--vscode-foreground": "#cccccc",
        "--vscode-descriptionForeground": "#9d9d9d",
        "--vscode-errorForeground": "#f85149",
        "--vscode-focusBorder": "#0078d4",
        "--vscode-sideBar-background": "#181818",
        "--vscode-editor-background": "#1f1f1f",
        "--vscode-widget-border": "#313131",
        "--vscode-panel-border": "#2b2b2b",
        "--vscode-button-background": "#0078d4",
        "--vscode-button-foreground": "#ffffff",
        "--vscode-button-hoverBackground": "#026ec1",
        "--vscode-button-secondaryBackground": "#313131",
        "--vscode-button-secondaryForeground": "#cccccc",
        "--vscode-button-secondaryHoverBackground": "#3c3c3c",
        "--vscode-toolbar-hoverBackground": "rgba(90, 93, 94, 0.31)",
        "--vscode-input-background": "#313131",
        "--vscode-input-foreground": "#cccccc",
        "--vscode-input-border": "#3c3c3c",
        "--vscode-input-placeholderForeground": "#989898",
        "--vscode-inputOption-activeBackground": "rgba(36, 137, 219, 0.51)",
        "--vscode-inputOption-activeBorder": "#2488db",
        "--vscode-inputOption-activeForeground": "#ffffff",
        "--vscode-textLink-foreground": "#4daafc",
        "--vscode-textLink-activeForeground": "#4daafc",
        "--vscode-textCodeBlock-background": "#2b2b2b",
        "--vscode-textPreformat-foreground": "#d0d0d0",
        "--vscode-textPreformat-background": "#3c3c3c",
        "--vscode-textBlockQuote-background": "#2b2b2b",
        "--vscode-textBlockQuote-border": "#616161",
        "--vscode-badge-background": "#616161",
        "--vscode-badge-foreground": "#f8f8f8",
        "--vscode-list-hoverBackground": "#2a2d2e",
        "--vscode-list-inactiveSelectionBackground": "#37373d",
        "--vscode-editor-inactiveSelectionBackground": "#3a3d41",
        "--vscode-inputValidation-warningBackground": "#352a05",
        "--vscode-inputValidation-warningBorder": "#b89500",
        "--vscode-inputValidation-errorBackground": "#5a1d1d",
        "--vscode-inputValidation-errorBorder": "#be1100",
        "--vscode-progressBar-background": "#0078d4",
        "--vscode-editorWarning-foreground": "#cca700",
        "--vscode-scrollbarSlider-background": "rgba(121, 121, 121, 0.4)",
        "--vscode-debugTokenExpression-name": "#c586c0",
        "--vscode-debugTokenExpression-string": "#ce9178",
        "--vscode-debugTokenExpression-number": "#b5cea8",
        "--vscode-debugTokenExpression-error": "#f48771",
        "--vscode-symbolIcon-functionForeground": "#b180d7",
        "--vscode-symbolIcon-classForeground": "#ee9d28",
        "--vscode-symbolIcon-variableForeground": "#75beff"
    }
};
