SECTIONS { . = LDSV; .text : { *(.text) } }
