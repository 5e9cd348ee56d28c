/**
 * The embed's whole stylesheet, inside its Shadow DOM. A newsroom restyles it through custom
 * properties set on `margin-comments` (they inherit into the shadow tree):
 * --margin-font, --margin-font-size, --margin-accent, --margin-accent-text, --margin-text,
 * --margin-muted, --margin-background, --margin-surface, --margin-border, --margin-radius,
 * --margin-danger, --margin-supporter, --margin-reserved-height.
 */
export const EMBED_CSS = `
:host{display:block;min-height:var(--margin-reserved-height,32rem);contain:layout style;
--m-font:var(--margin-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);
--m-accent:var(--margin-accent,#0b57d0);--m-accent-text:var(--margin-accent-text,#fff);
--m-text:var(--margin-text,#1b1b1f);--m-muted:var(--margin-muted,#4a4a52);--m-bg:var(--margin-background,#fff);
--m-surface:var(--margin-surface,#f4f5f7);--m-border:var(--margin-border,#c9ccd3);--m-radius:var(--margin-radius,6px);
--m-danger:var(--margin-danger,#b3261e);--m-supporter:var(--margin-supporter,#7a4d00);
font-family:var(--m-font);font-size:var(--margin-font-size,16px);line-height:1.5;color:var(--m-text);background:var(--m-bg)}
:host([theme=dark]){--m-accent:var(--margin-accent,#a8c7fa);--m-accent-text:var(--margin-accent-text,#041e49);--m-text:var(--margin-text,#e6e6ea);
--m-muted:var(--margin-muted,#c0c0c8);--m-bg:var(--margin-background,#141416);--m-surface:var(--margin-surface,#222227);
--m-border:var(--margin-border,#55555f);--m-danger:var(--margin-danger,#ffb4ab);--m-supporter:var(--margin-supporter,#ffd68a)}
@media (prefers-color-scheme:dark){:host([theme=auto]){--m-accent:var(--margin-accent,#a8c7fa);--m-accent-text:var(--margin-accent-text,#041e49);
--m-text:var(--margin-text,#e6e6ea);--m-muted:var(--margin-muted,#c0c0c8);--m-bg:var(--margin-background,#141416);
--m-surface:var(--margin-surface,#222227);--m-border:var(--margin-border,#55555f);--m-danger:var(--margin-danger,#ffb4ab);--m-supporter:var(--margin-supporter,#ffd68a)}}
*{box-sizing:border-box}
section,header,form,ol,ul{margin:0;padding:0}
ol,ul{list-style:none}
h2{font-size:1.25em;margin:0 0 .5em}h3{font-size:1.05em;margin:0 0 .25em}
button,select,input,textarea{font:inherit;color:inherit}
button{cursor:pointer;border:1px solid var(--m-border);background:var(--m-bg);border-radius:var(--m-radius);padding:.3em .8em;min-height:2.25em}
button.primary{background:var(--m-accent);color:var(--m-accent-text);border-color:var(--m-accent)}
button.link{border:0;background:none;padding:.2em .3em;color:var(--m-accent);text-decoration:underline;min-height:auto}
button[aria-pressed=true]{background:var(--m-surface);font-weight:600}
button:focus-visible,select:focus-visible,input:focus-visible,textarea:focus-visible,[tabindex]:focus-visible{outline:3px solid var(--m-accent);outline-offset:2px}
button:disabled{opacity:.6;cursor:default}
input,select,textarea{background:var(--m-bg);border:1px solid var(--m-border);border-radius:var(--m-radius);padding:.4em .5em}
textarea{width:100%;min-height:5em;resize:vertical}
label{display:block;font-weight:600;margin:.4em 0 .2em}
.row{display:flex;flex-wrap:wrap;gap:.5em;align-items:center}
.muted{color:var(--m-muted);font-size:.875em}
.box{background:var(--m-surface);border:1px solid var(--m-border);border-radius:var(--m-radius);padding:1em;margin:0 0 1em}
.message{border-left:4px solid var(--m-danger);padding:.5em .75em;background:var(--m-surface);margin:.5em 0}
.notice{border-left:4px solid var(--m-accent);padding:.5em .75em;background:var(--m-surface);margin:.5em 0}
.comment{border-top:1px solid var(--m-border);padding:.75em 0}
.comment:target,.comment.linked{background:var(--m-surface)}
.replies{margin-left:1.5em;border-left:2px solid var(--m-border);padding-left:1em}
.body{white-space:pre-wrap;overflow-wrap:anywhere;margin:.25em 0}
.tombstone{font-style:italic;color:var(--m-muted)}
.badge{display:inline-block;font-size:.75em;border:1px solid currentColor;border-radius:999px;padding:0 .5em;margin-left:.4em}
.supporter{color:var(--m-supporter)}
.author{font-weight:600;color:var(--m-text)}
.live{position:sticky;top:.5em;z-index:1;display:block;margin:.5em auto}
.amounts button{min-width:4.5em}
.skeleton{height:var(--margin-reserved-height,32rem);background:var(--m-surface);border-radius:var(--m-radius)}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
dialog,.panel{border:1px solid var(--m-border);border-radius:var(--m-radius);background:var(--m-bg);color:var(--m-text);padding:1em;margin:0 0 1em}
`;
