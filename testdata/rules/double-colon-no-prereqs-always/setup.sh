touch t
